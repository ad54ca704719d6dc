package io.taskpipe.tasks.guard;

import io.taskpipe.config.TaskpipeConfig;
import io.taskpipe.contract.ErrorCode;
import io.taskpipe.tasks.TaskFailure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Keeps file tasks inside the configured base directory: relative paths only, resolved with
 * {@code toRealPath} (so symlinks are followed before the containment check), regular files only,
 * and no larger than the configured limit.
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
        if (attributes.size() > maxBytes) {
            throw new TaskFailure(ErrorCode.TOO_LARGE,
                    "'" + path + "' has " + attributes.size() + " bytes, more than the limit of " + maxBytes);
        }
        return real;
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

    private static BasicFileAttributes attributes(Path real, String path) {
        try {
            return Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new TaskFailure(ErrorCode.IO_ERROR, "cannot read '" + path + "': " + e.getMessage(), e);
        }
    }
}
