package io.taskpipe.tasks.io;

import io.taskpipe.tasks.TaskContext;
import io.taskpipe.tasks.guard.FileGuard;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** {@code file.hash}: the SHA-256 of a file, streamed in 64 KiB reads. */
@Singleton
public class FileHashTask extends FileTask {

    public record Output(long bytes, String sha256) {
    }

    public FileHashTask(FileGuard files) {
        super("file.hash", files);
    }

    @Override
    public Output run(Params params, TaskContext context) throws IOException {
        MessageDigest digest = sha256();
        long bytes = stream(params, context, (buffer, n) -> digest.update(buffer, 0, n));
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
