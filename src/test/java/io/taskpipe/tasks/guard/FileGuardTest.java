package io.taskpipe.tasks.guard;

import io.taskpipe.contract.ErrorCode;
import io.taskpipe.tasks.TaskFailure;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileGuardTest {

    @TempDir
    Path root;
    Path base;
    FileGuard guard;

    @BeforeEach
    void files() throws IOException {
        base = Files.createDirectories(root.resolve("base"));
        Files.writeString(base.resolve("ok.txt"), "fine");
        Files.createDirectories(base.resolve("sub"));
        Files.writeString(base.resolve("sub/inner.txt"), "fine too");
        Files.writeString(root.resolve("secret.txt"), "outside");
        Files.createSymbolicLink(base.resolve("escape"), root.resolve("secret.txt"));
        Files.createSymbolicLink(base.resolve("inside-link"), base.resolve("ok.txt"));
        Files.write(base.resolve("big.bin"), new byte[101]);
        guard = new FileGuard(base, 100);
    }

    @Test
    void resolvesFilesInsideTheBaseDirectory() throws IOException {
        assertThat(guard.resolve("ok.txt")).isEqualTo(base.resolve("ok.txt").toRealPath());
        assertThat(guard.resolve("sub/../sub/inner.txt")).isEqualTo(base.resolve("sub/inner.txt").toRealPath());
        assertThat(guard.resolve("inside-link")).isEqualTo(base.resolve("ok.txt").toRealPath());
    }

    @ParameterizedTest
    @ValueSource(strings = {"../secret.txt", "sub/../../secret.txt", "escape", "/etc/passwd", "ok.txt\0.png", "sub", ""})
    void refusesPathsThatLeaveTheBaseOrAreNotRegularFiles(String path) {
        assertThatThrownBy(() -> guard.resolve(path))
                .isInstanceOfSatisfying(TaskFailure.class, f -> assertThat(f.code()).isEqualTo(ErrorCode.FORBIDDEN_PATH));
    }

    @Test
    void reportsMissingAndOversizedFiles() {
        assertThatThrownBy(() -> guard.resolve("nope.txt"))
                .isInstanceOfSatisfying(TaskFailure.class, f -> assertThat(f.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThatThrownBy(() -> guard.resolve("big.bin"))
                .isInstanceOfSatisfying(TaskFailure.class, f -> assertThat(f.code()).isEqualTo(ErrorCode.TOO_LARGE));
    }

    @Test
    void aFileSwappedForASymlinkAfterTheCheckIsNotFollowed() throws IOException {
        Path checked = guard.resolve("sub/inner.txt");
        Files.delete(base.resolve("sub/inner.txt"));
        Files.createSymbolicLink(base.resolve("sub/inner.txt"), root.resolve("secret.txt"));
        assertThatThrownBy(() -> guard.open(checked).readAllBytes())
                .isInstanceOfSatisfying(TaskFailure.class, f -> assertThat(f.code()).isEqualTo(ErrorCode.FORBIDDEN_PATH));
    }

    @Test
    void aDirectorySwappedForASymlinkAfterTheCheckIsNotFollowed() throws IOException {
        Path checked = guard.resolve("sub/inner.txt");
        Files.move(base.resolve("sub"), base.resolve("sub-moved"));
        Files.createDirectories(root.resolve("evil"));
        Files.writeString(root.resolve("evil/inner.txt"), "outside");
        Files.createSymbolicLink(base.resolve("sub"), root.resolve("evil"));
        assertThatThrownBy(() -> guard.open(checked).readAllBytes())
                .isInstanceOfSatisfying(TaskFailure.class, f -> assertThat(f.code()).isEqualTo(ErrorCode.FORBIDDEN_PATH));
    }

    @Test
    void readsWhatItChecked() throws IOException {
        try (var in = guard.open("sub/inner.txt")) {
            assertThat(new String(in.readAllBytes())).isEqualTo("fine too");
        }
    }

    @Test
    void refusesHardLinks() throws IOException {
        Files.createLink(base.resolve("second-name"), root.resolve("secret.txt"));
        assertThatThrownBy(() -> guard.resolve("second-name"))
                .isInstanceOfSatisfying(TaskFailure.class, f -> assertThat(f.code()).isEqualTo(ErrorCode.FORBIDDEN_PATH));
    }
}
