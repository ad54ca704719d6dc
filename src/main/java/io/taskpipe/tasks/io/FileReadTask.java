package io.taskpipe.tasks.io;

import io.taskpipe.contract.Lane;
import io.taskpipe.tasks.TaskContext;
import io.taskpipe.tasks.TaskHandler;
import io.taskpipe.tasks.guard.FileGuard;
import jakarta.inject.Singleton;
import jakarta.validation.constraints.NotBlank;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * {@code file.read}: streams a file once and reports its size, its line count (newlines, plus one for
 * a last line without a newline) and its first 256 bytes as UTF-8 text.
 */
@Singleton
public class FileReadTask extends TaskHandler<FileReadTask.Params> {

    static final int HEAD_BYTES = 256;

    public record Params(@NotBlank String path) {
    }

    public record Output(long bytes, long lines, String head) {
    }

    private final FileGuard files;

    public FileReadTask(FileGuard files) {
        super("file.read", Lane.IO, Params.class);
        this.files = files;
    }

    @Override
    public Output run(Params params, TaskContext context) throws IOException {
        byte[] head = new byte[HEAD_BYTES];
        int headLength = 0;
        long bytes = 0;
        long newlines = 0;
        byte last = '\n';
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = files.open(params.path())) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                context.checkDeadline();
                if (headLength < HEAD_BYTES) {
                    int take = Math.min(n, HEAD_BYTES - headLength);
                    System.arraycopy(buffer, 0, head, headLength, take);
                    headLength += take;
                }
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        newlines++;
                    }
                }
                last = buffer[n - 1];
                bytes += n;
            }
        }
        long lines = newlines + (last != '\n' ? 1 : 0);
        return new Output(bytes, lines, new String(Arrays.copyOf(head, headLength), StandardCharsets.UTF_8));
    }
}
