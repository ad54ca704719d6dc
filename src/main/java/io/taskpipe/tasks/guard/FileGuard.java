package io.taskpipe.tasks.guard;

import io.taskpipe.config.TaskpipeConfig;
import io.taskpipe.contract.ErrorCode;
import io.taskpipe.tasks.TaskFailure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Keeps file tasks inside the configured base directory: relative paths only, resolved to their real
 * path by the {@link LinkResolver} (so symlinks are followed before the containment check, and a loop
 * or an impossible name fails for good), regular files with one hard link only (no devices, FIFOs or
 * directories), and no larger than the configured limit. The file is then opened component by
 * component from the base directory without following links ({@link NoFollowOpener}), so a path
 * swapped for a symlink or a hard link after the check cannot lead the read outside.
 */
@ApplicationScoped
public class FileGuard {

    private final Path baseDir;
    private final long maxBytes;

    @Inject
    public FileGuard(TaskpipeConfig config) {
        this(config.files().baseDir(), config.files().maxBytes());
    }

    public FileGuard(Path baseDir, long maxBytes) {
        this.baseDir = baseDir.toAbsolutePath().normalize();
        this.maxBytes = maxBytes;
    }

    /** A readable regular file inside the base directory, as its real path. */
    public Path resolve(String path) {
        LinkResolver.Resolved file = realPath(path);
        if (!file.attributes().isRegularFile()) {
            throw new TaskFailure(ErrorCode.FORBIDDEN_PATH, "'" + path + "' is not a regular file");
        }
        if (hardLinks(file.real(), path) > 1) {
            // a second name for a file that may live outside the base directory: containment cannot tell
            throw new TaskFailure(ErrorCode.FORBIDDEN_PATH, "'" + path + "' has more than one hard link");
        }
        if (file.attributes().size() > maxBytes) {
            throw new TaskFailure(ErrorCode.TOO_LARGE,
                    "'" + path + "' has " + file.attributes().size() + " bytes, more than the limit of " + maxBytes);
        }
        return file.real();
    }

    /** Opens a file for reading, after {@link #resolve(String)}; see {@link #open(Path)}. */
    public InputStream open(String path) {
        return open(resolve(path));
    }

    /**
     * Opens a path {@link #resolve(String)} returned, through the {@link NoFollowOpener}: nothing swapped
     * in since the check (a symlink, a FIFO, a hard link to a file outside) is followed or read. The
     * stream stops at the size limit.
     */
    public InputStream open(Path real) {
        Path relative = baseReal().relativize(real);
        try {
            return limited(NoFollowOpener.open(baseReal(), relative), relative);
        } catch (AccessDeniedException e) {
            throw failure(e, relative.toString());
        } catch (IOException e) {
            throw new TaskFailure(ErrorCode.FORBIDDEN_PATH, "'" + relative + "' changed while it was opened (" + e.getMessage() + ")", e);
        }
    }

    private InputStream limited(InputStream in, Path relative) {
        return new FilterInputStream(in) {
            private long read;

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                count(n);
                return n;
            }

            @Override
            public int read() throws IOException {
                int b = super.read();
                count(b < 0 ? -1 : 1);
                return b;
            }

            private void count(int n) {
                if (n > 0 && (read += n) > maxBytes) {
                    throw new TaskFailure(ErrorCode.TOO_LARGE, "'" + relative + "' grew past the limit of " + maxBytes + " bytes while read");
                }
            }
        };
    }

    /** Where a task may write {@code fileName} next to {@code input} (a path from {@link #resolve}). */
    public Path sibling(Path input, String fileName) {
        Path target = input.resolveSibling(fileName).normalize();
        if (!target.startsWith(baseReal()) || Files.isSymbolicLink(target)) {
            throw new TaskFailure(ErrorCode.FORBIDDEN_PATH, "cannot write '" + fileName + "' beside " + relative(input));
        }
        return target;
    }

    /** The base directory, as its real path. */
    public Path baseDirectory() {
        return baseReal();
    }

    /** The path as tasks name it: relative to the base directory. */
    public String relative(Path real) {
        return baseReal().relativize(real).toString();
    }

    private LinkResolver.Resolved realPath(String path) {
        if (path.isEmpty() || path.indexOf('\0') >= 0) {
            throw new TaskFailure(ErrorCode.FORBIDDEN_PATH, "path must be non-empty and free of NUL characters");
        }
        Path requested;
        try {
            requested = Path.of(path);
        } catch (InvalidPathException e) {
            throw new TaskFailure(ErrorCode.FORBIDDEN_PATH, "invalid path '" + path + "'");
        }
        if (requested.isAbsolute()) {
            throw new TaskFailure(ErrorCode.FORBIDDEN_PATH, "'" + path + "' is absolute; paths are relative to the base directory");
        }
        Path base = baseReal();
        Path lexical = base.resolve(requested).normalize();
        if (!lexical.startsWith(base)) {
            throw new TaskFailure(ErrorCode.FORBIDDEN_PATH, "'" + path + "' leaves the base directory");
        }
        LinkResolver.checkLengths(lexical, path);
        LinkResolver.Resolved file;
        try {
            file = LinkResolver.resolve(base, base.relativize(lexical), path);
        } catch (IOException e) {
            throw failure(e, path);
        }
        if (!file.real().startsWith(base)) {
            throw new TaskFailure(ErrorCode.FORBIDDEN_PATH, "'" + path + "' resolves outside the base directory");
        }
        return file;
    }

    /**
     * What a failure to look a path up means, told by the exception's type: missing is {@code NOT_FOUND},
     * a directory on the way without search permission {@code FORBIDDEN_PATH} (neither changes on a
     * retry); anything else, a disk's I/O error say, is {@code IO_ERROR} and transient, as that code is
     * documented (it used to be raised here as permanent).
     */
    static TaskFailure failure(IOException e, String path) {
        if (e instanceof NoSuchFileException) {
            return new TaskFailure(ErrorCode.NOT_FOUND, "no file '" + path + "'");
        }
        if (e instanceof AccessDeniedException) {
            return new TaskFailure(ErrorCode.FORBIDDEN_PATH, "no permission to reach '" + path + "' (a directory on the way may not be searched)", e);
        }
        return TaskFailure.transientFailure(ErrorCode.IO_ERROR, "cannot resolve '" + path + "': " + e.getMessage(), e);
    }

    private Path baseReal() {
        try {
            return baseDir.toRealPath();
        } catch (IOException e) {
            throw new TaskFailure(ErrorCode.NOT_FOUND, "the base directory " + baseDir + " does not exist");
        }
    }

    private static int hardLinks(Path real, String path) {
        try {
            return NoFollowOpener.hardLinks(real, null);
        } catch (IOException e) {
            throw failure(e, path);
        }
    }
}
