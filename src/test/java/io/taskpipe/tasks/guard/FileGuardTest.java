package io.taskpipe.tasks.guard;

import io.taskpipe.contract.ErrorCode;
import io.taskpipe.tasks.TaskFailure;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

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

    @Test
    void aSymlinkLoopIsRefusedNotRetried() throws IOException {
        Files.createSymbolicLink(base.resolve("loop-a"), base.resolve("loop-b"));
        Files.createSymbolicLink(base.resolve("loop-b"), base.resolve("loop-a"));
        Files.createSymbolicLink(base.resolve("self"), Path.of("self"));
        for (String path : List.of("loop-a", "self", "loop-b/inner.txt", "sub/../self")) {
            assertThatThrownBy(() -> guard.resolve(path))
                    .as(path)
                    .isInstanceOfSatisfying(TaskFailure.class, f -> {
                        assertThat(f.code()).as(f.getMessage()).isEqualTo(ErrorCode.FORBIDDEN_PATH);
                        assertThat(f.getMessage()).contains("symbolic links");
                    });
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {256, 1_000})
    void aNameOverTheFileSystemsLimitIsRefusedNotRetried(int length) {
        for (String path : List.of("a".repeat(length), "sub/" + "é".repeat(length / 2 + 1), "sub/" + "a".repeat(length) + "/x.txt")) {
            assertThatThrownBy(() -> guard.resolve(path))
                    .isInstanceOfSatisfying(TaskFailure.class, f -> {
                        assertThat(f.code()).as(f.getMessage()).isEqualTo(ErrorCode.FORBIDDEN_PATH);
                        assertThat(f.getMessage()).contains("255 bytes");
                    });
        }
    }

    @Test
    void aPathOverTheSystemsLimitIsRefusedNotRetried() throws IOException {
        Files.createSymbolicLink(base.resolve("sub/here"), Path.of("."));
        String deep = "sub/" + "here/".repeat(900) + "inner.txt"; // over 4,096 bytes: the kernel answers ENAMETOOLONG
        assertThatThrownBy(() -> guard.resolve(deep))
                .isInstanceOfSatisfying(TaskFailure.class, f -> assertThat(f.code()).as(f.getMessage()).isEqualTo(ErrorCode.FORBIDDEN_PATH));
    }

    @Test
    void aFileUsedAsADirectoryIsNotFound() {
        assertThatThrownBy(() -> guard.resolve("ok.txt/more"))
                .isInstanceOfSatisfying(TaskFailure.class, f -> assertThat(f.code()).as(f.getMessage()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void aDirectoryWithoutSearchPermissionIsRefusedNotRetried() throws IOException {
        Path locked = Files.createDirectories(base.resolve("locked"));
        Files.writeString(locked.resolve("inside.txt"), "locked away");
        Files.setPosixFilePermissions(locked, Set.of());
        try {
            assumeFalse(Files.isExecutable(locked), "runs as root (CAP_DAC_OVERRIDE): permissions stop nothing; classifiesAccessDenied covers it");
            assertThatThrownBy(() -> guard.resolve("locked/inside.txt"))
                    .isInstanceOfSatisfying(TaskFailure.class, f -> assertThat(f.code()).as(f.getMessage()).isEqualTo(ErrorCode.FORBIDDEN_PATH));
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void classifiesWhatTheJdkThrowsWithoutReadingItsMessage() {
        // what the JDK throws for EACCES (a directory without search permission): tested here because the tests run as root
        assertThat(FileGuard.failure(new AccessDeniedException("/base/locked/inside.txt"), "locked/inside.txt"))
                .satisfies(f -> assertThat(f.code()).isEqualTo(ErrorCode.FORBIDDEN_PATH))
                .satisfies(f -> assertThat(f.isTransient()).isFalse())
                .satisfies(f -> assertThat(f.getMessage()).contains("permission"));
        assertThat(FileGuard.failure(new NoSuchFileException("/base/nope"), "nope").code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(FileGuard.failure(new FileSystemException("/base/x", null, "Input/output error"), "x"))
                .as("anything else may pass: an I/O error is retried")
                .satisfies(f -> assertThat(f.code()).isEqualTo(ErrorCode.IO_ERROR))
                .satisfies(f -> assertThat(f.isTransient()).isTrue());
    }

    @Test
    void failedOpensLeakNoDirectoryDescriptor() throws IOException {
        Path checked = guard.resolve("sub/inner.txt");
        Files.move(base.resolve("sub"), base.resolve("sub-moved"));
        Files.createSymbolicLink(base.resolve("sub"), base.resolve("sub-moved")); // the open's openat of "sub" now fails
        long before = openDescriptors();
        for (int i = 0; i < 500; i++) {
            assertThatThrownBy(() -> guard.open(checked)).isInstanceOf(TaskFailure.class);
        }
        assertThat(openDescriptors() - before).as("descriptors left open by 500 failed opens").isLessThan(50);
    }

    @Test
    void aFileGivenASecondHardLinkAfterTheCheckIsRefusedAtTheOpen() throws IOException {
        Path checked = guard.resolve("sub/inner.txt");
        Files.createLink(base.resolve("second-name"), base.resolve("sub/inner.txt"));
        assertThatThrownBy(() -> guard.open(checked))
                .isInstanceOfSatisfying(TaskFailure.class, f -> {
                    assertThat(f.code()).isEqualTo(ErrorCode.FORBIDDEN_PATH);
                    assertThat(f.getMessage()).contains("more than one hard link");
                });
    }

    @Test
    void aFileSwappedForAHardLinkToASecretAfterTheCheckIsNotRead() throws IOException {
        Path checked = guard.resolve("sub/inner.txt");
        Files.createLink(base.resolve("sub/swap"), root.resolve("secret.txt"));
        Files.move(base.resolve("sub/swap"), base.resolve("sub/inner.txt"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        assertThatThrownBy(() -> guard.open(checked).readAllBytes())
                .isInstanceOfSatisfying(TaskFailure.class, f -> assertThat(f.code()).isEqualTo(ErrorCode.FORBIDDEN_PATH));
    }

    private static long openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
