package io.taskpipe.tasks.guard;

import io.taskpipe.config.TaskpipeConfig;
import io.taskpipe.contract.ErrorCode;
import io.taskpipe.tasks.TaskFailure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;

/**
 * Keeps file tasks inside the configured base directory: relative paths only, resolved with
 * {@code toRealPath} (so symlinks are followed before the containment check), regular files only
 * (no devices, FIFOs or directories), and no larger than the configured limit. The file is then
 * opened component by component from the base directory without following links, so a path swapped
 * for a symlink after the check cannot lead the read outside.
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
        Path real = realPath(path);
        BasicFileAttributes attributes = attributes(real, path);
        if (!attributes.isRegularFile()) {
            throw new TaskFailure(ErrorCode.FORBIDDEN_PATH, "'" + path + "' is not a regular file");
        }
        if (hardLinks(real) > 1) {
            // a second name for a file that may live outside the base directory: containment cannot tell
            throw new TaskFailure(ErrorCode.FORBIDDEN_PATH, "'" + path + "' has more than one hard link");
        }
        if (attributes.size() > maxBytes) {
            throw new TaskFailure(ErrorCode.TOO_LARGE,
                    "'" + path + "' has " + attributes.size() + " bytes, more than the limit of " + maxBytes);
        }
        return real;
    }

    /** Opens a file for reading, after {@link #resolve(String)}; see {@link #open(Path)}. */
    public InputStream open(String path) {
        return open(resolve(path));
    }

    /**
     * Opens a path {@link #resolve(String)} returned. Each directory from the base down, and the file,
     * is opened relative to its parent with {@code NOFOLLOW_LINKS} ({@code openat}), so nothing swapped
     * in since the check (a symlink, a FIFO) is followed or read. The stream stops at the size limit.
     */
    public InputStream open(Path real) {
        Path relative = baseReal().relativize(real);
        try {
            DirectoryStream<Path> base = Files.newDirectoryStream(baseReal());
            if (!(base instanceof SecureDirectoryStream<Path> directory)) {
                base.close(); // no openat on this platform: the containment check above must do
                return limited(Files.newInputStream(real, LinkOption.NOFOLLOW_LINKS), relative);
            }
            for (int i = 0; i < relative.getNameCount() - 1; i++) {
                SecureDirectoryStream<Path> child = directory.newDirectoryStream(relative.getName(i), LinkOption.NOFOLLOW_LINKS);
                directory.close();
                directory = child;
            }
            try (SecureDirectoryStream<Path> parent = directory) {
                Path name = relative.getFileName();
                BasicFileAttributes attributes = parent.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .readAttributes();
                if (!attributes.isRegularFile()) {
                    throw new TaskFailure(ErrorCode.FORBIDDEN_PATH, "'" + relative + "' stopped being a regular file after it was checked");
                }
                return limited(Channels.newInputStream(parent.newByteChannel(name, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))), relative);
            }
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

    /** The path as tasks name it: relative to the base directory. */
    public String relative(Path real) {
        return baseReal().relativize(real).toString();
    }

    private Path realPath(String path) {
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
        Path real;
        try {
            real = lexical.toRealPath();
        } catch (NoSuchFileException e) {
            throw new TaskFailure(ErrorCode.NOT_FOUND, "no file '" + path + "'");
        } catch (IOException e) {
            throw new TaskFailure(ErrorCode.IO_ERROR, "cannot resolve '" + path + "': " + e.getMessage(), e);
        }
        if (!real.startsWith(base)) {
            throw new TaskFailure(ErrorCode.FORBIDDEN_PATH, "'" + path + "' resolves outside the base directory");
        }
        return real;
    }

    private Path baseReal() {
        try {
            return baseDir.toRealPath();
        } catch (IOException e) {
            throw new TaskFailure(ErrorCode.NOT_FOUND, "the base directory " + baseDir + " does not exist");
        }
    }

    private static int hardLinks(Path real) {
        try {
            return (Integer) Files.getAttribute(real, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException | IllegalArgumentException | IOException e) {
            return 1; // not a POSIX file system: no hard links to worry about here
        }
    }

    private static BasicFileAttributes attributes(Path real, String path) {
        try {
            return Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new TaskFailure(ErrorCode.IO_ERROR, "cannot read '" + path + "': " + e.getMessage(), e);
        }
    }
}
