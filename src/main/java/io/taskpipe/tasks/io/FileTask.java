package io.taskpipe.tasks.io;

import io.taskpipe.contract.Lane;
import io.taskpipe.tasks.TaskContext;
import io.taskpipe.tasks.TaskHandler;
import io.taskpipe.tasks.guard.FileGuard;
import jakarta.validation.constraints.NotBlank;

import java.io.IOException;
import java.io.InputStream;

/**
 * What {@code file.read} and {@code file.hash} share: a {@code path} under the base directory, opened
 * through the {@link FileGuard} and streamed once in 64 KiB reads, the deadline checked between them.
 */
abstract class FileTask extends TaskHandler<FileTask.Params> {

    public record Params(@NotBlank String path) {
    }

    /** Takes the file's bytes one read at a time. */
    @FunctionalInterface
    interface Reads {
        void take(byte[] buffer, int length);
    }

    private final FileGuard files;

    FileTask(String type, FileGuard files) {
        super(type, Lane.IO, Params.class);
        this.files = files;
    }

    /** Streams the file named by {@code params} into {@code reads}; returns its length in bytes. */
    long stream(Params params, TaskContext context, Reads reads) throws IOException {
        long bytes = 0;
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = files.open(params.path())) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                context.checkDeadline();
                reads.take(buffer, n);
                bytes += n;
            }
        }
        return bytes;
    }
}
