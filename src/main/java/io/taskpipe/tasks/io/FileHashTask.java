package io.taskpipe.tasks.io;

import io.taskpipe.contract.Lane;
import io.taskpipe.tasks.TaskContext;
import io.taskpipe.tasks.TaskHandler;
import io.taskpipe.tasks.guard.FileGuard;
import jakarta.inject.Singleton;
import jakarta.validation.constraints.NotBlank;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** {@code file.hash}: the SHA-256 of a file, streamed in 64 KiB reads. */
@Singleton
public class FileHashTask extends TaskHandler<FileHashTask.Params> {

    public record Params(@NotBlank String path) {
    }

    public record Output(long bytes, String sha256) {
    }

    private final FileGuard files;

    public FileHashTask(FileGuard files) {
        super("file.hash", Lane.IO, Params.class);
        this.files = files;
    }

    @Override
    public Output run(Params params, TaskContext context) throws IOException {
        MessageDigest digest = sha256();
        long bytes = 0;
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = files.open(params.path())) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                context.checkDeadline();
                digest.update(buffer, 0, n);
                bytes += n;
            }
        }
        return new Output(bytes, HexFormat.of().formatHex(digest.digest()));
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
