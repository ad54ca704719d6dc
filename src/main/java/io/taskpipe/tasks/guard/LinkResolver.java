package io.taskpipe.tasks.guard;

import io.taskpipe.contract.ErrorCode;
import io.taskpipe.tasks.TaskFailure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Resolves a path below a directory to its real path, following symbolic links, as {@code realpath(3)}
 * does, but naming why it fails where the kernel's answer would reach Java only as a generic
 * {@code FileSystemException} and read as a transient I/O error: a symlink loop (more than
 * {@value #MAX_LINKS} links, Linux's own limit), a name over {@value #NAME_MAX} bytes or a path over
 * {@value #PATH_MAX} bytes (both impossible to open), and a file used as a directory. Each is permanent.
 */
final class LinkResolver {

    static final int MAX_LINKS = 40;
    static final int NAME_MAX = 255;
    static final int PATH_MAX = 4095;

    /** A real path and its attributes, read without following it. */
    record Resolved(Path real, BasicFileAttributes attributes) {
    }

    private LinkResolver() {
    }

    /** Checks the lengths of a path's names and of the whole before anything is looked up. */
    static void checkLengths(Path absolute, String shown) {
        for (Path name : absolute) {
            if (bytes(name) > NAME_MAX) {
                throw new TaskFailure(ErrorCode.FORBIDDEN_PATH, "'" + shown + "' has a name over " + NAME_MAX + " bytes, which no file can have");
            }
        }
        if (bytes(absolute) > PATH_MAX) {
            throw new TaskFailure(ErrorCode.FORBIDDEN_PATH, "'" + shown + "' makes a path over " + PATH_MAX + " bytes, which cannot be opened");
        }
    }

    /** The real path of {@code relative} below {@code base} (itself a real path); I/O failures are left to the caller. */
    static Resolved resolve(Path base, Path relative, String shown) throws IOException {
        Deque<Path> names = new ArrayDeque<>();
        relative.forEach(names::add);
        Path current = base;
        BasicFileAttributes attributes = read(base);
        int links = 0;
        while (!names.isEmpty()) {
            String name = names.pop().toString();
            if (name.isEmpty() || name.equals(".")) {
                continue;
            }
            if (name.equals("..")) { // only a link's target brings these: its directory is real, so its parent is too
                current = current.getParent() == null ? current : current.getParent();
                attributes = read(current);
                continue;
            }
            if (!attributes.isDirectory()) {
                throw new TaskFailure(ErrorCode.NOT_FOUND, "no file '" + shown + "': " + base.relativize(current) + " is not a directory");
            }
            Path next = current.resolve(name);
            checkLengths(next, shown); // a link's target may make names or the path too long
            BasicFileAttributes found = read(next);
            if (!found.isSymbolicLink()) {
                current = next;
                attributes = found;
                continue;
            }
            if (++links > MAX_LINKS) {
                throw new TaskFailure(ErrorCode.FORBIDDEN_PATH, "'" + shown + "' goes through more than " + MAX_LINKS
                        + " symbolic links (a loop?)");
            }
            Path target = Files.readSymbolicLink(next);
            Deque<Path> targetNames = new ArrayDeque<>();
            target.forEach(targetNames::push);
            targetNames.forEach(names::push); // pushed in reverse, so the target's names come first, in order
            if (target.isAbsolute()) {
                current = target.getRoot();
                attributes = read(current);
            }
        }
        return new Resolved(current, attributes);
    }

    private static BasicFileAttributes read(Path path) throws IOException {
        return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    }

    private static int bytes(Path path) {
        return path.toString().getBytes(StandardCharsets.UTF_8).length;
    }
}
