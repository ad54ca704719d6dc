package io.taskpipe.tasks.io;

import io.taskpipe.tasks.TaskContext;
import io.taskpipe.tasks.guard.FileGuard;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * {@code file.read}: streams a file once and reports its size, its line count (newlines, plus one for
 * a last line without a newline) and its first 256 bytes as UTF-8 text.
 */
@Singleton
public class FileReadTask extends FileTask {

    static final int HEAD_BYTES = 256;

    public record Output(long bytes, long lines, String head) {
    }

    public FileReadTask(FileGuard files) {
        super("file.read", files);
    }

    @Override
    public Output run(Params params, TaskContext context) throws IOException {
        Lines lines = new Lines();
        long bytes = stream(params, context, lines);
        return new Output(bytes, lines.count(), lines.head());
    }

    /** Counts newlines as the file streams by, keeping its first bytes and whether its last byte ended a line. */
    private static final class Lines implements Reads {
        private final byte[] head = new byte[HEAD_BYTES];
        private int headLength;
        private long newlines;
        private byte last = '\n';

        @Override
        public void take(byte[] buffer, int length) {
            int take = Math.min(length, HEAD_BYTES - headLength);
            System.arraycopy(buffer, 0, head, headLength, take);
            headLength += take;
            for (int i = 0; i < length; i++) {
                if (buffer[i] == '\n') {
                    newlines++;
                }
            }
            last = buffer[length - 1];
        }

        long count() {
            return newlines + (last != '\n' ? 1 : 0);
        }

        String head() {
            return new String(Arrays.copyOf(head, headLength), StandardCharsets.UTF_8);
        }
    }
}
