package io.taskpipe.tasks.guard;

import io.taskpipe.contract.ErrorCode;
import io.taskpipe.tasks.TaskFailure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Opens a file the {@link FileGuard} checked, again from the base directory down: each directory, and
 * the file, relative to its parent's descriptor with {@code NOFOLLOW_LINKS} ({@code openat}), so a
 * symlink swapped in since the check is not followed. Every directory descriptor is closed on every
 * path out, a failed open included. The file's checks are repeated through its directory's descriptor
 * around the open: still a regular file, the same file (device and inode) before and after, and one
 * hard link only.
 */
final class NoFollowOpener {

    private NoFollowOpener() {
    }

    /** Opens {@code relative} below the real directory {@code base}. */
    static InputStream open(Path base, Path relative) throws IOException {
        DirectoryStream<Path> stream = Files.newDirectoryStream(base);
        if (!(stream instanceof SecureDirectoryStream<Path> directory)) {
            stream.close(); // no openat on this platform: the checks of FileGuard.resolve must do
            return Files.newInputStream(base.resolve(relative), LinkOption.NOFOLLOW_LINKS);
        }
        try {
            for (int i = 0; i < relative.getNameCount() - 1; i++) {
                SecureDirectoryStream<Path> parent = directory;
                directory = parent.newDirectoryStream(relative.getName(i), LinkOption.NOFOLLOW_LINKS);
                parent.close(); // after the hand-over: the finally below closes whichever is current
            }
            return Channels.newInputStream(openFile(directory, relative.getFileName(), base.resolve(relative)));
        } finally {
            directory.close();
        }
    }

    private static SeekableByteChannel openFile(SecureDirectoryStream<Path> directory, Path name, Path real) throws IOException {
        BasicFileAttributeView view = directory.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        BasicFileAttributes before = view.readAttributes();
        if (!before.isRegularFile()) {
            throw new TaskFailure(ErrorCode.FORBIDDEN_PATH, "'" + name + "' stopped being a regular file after it was checked");
        }
        SeekableByteChannel channel = directory.newByteChannel(name, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
        try {
            Object opened = view.readAttributes().fileKey();
            if (!Objects.equals(before.fileKey(), opened)) {
                throw new TaskFailure(ErrorCode.FORBIDDEN_PATH, "'" + name + "' was replaced while it was opened");
            }
            if (hardLinks(real, opened) > 1) {
                // a second name made since the check, or a file swapped for a link to one outside
                throw new TaskFailure(ErrorCode.FORBIDDEN_PATH, "'" + name + "' has more than one hard link");
            }
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * The hard links of the file at {@code real}; when {@code fileKey} is given, of that file only: a
     * link count is the file's (its inode's), whichever name it is read through, so it is read by name
     * with the device and inode in the same call, and a different file there is refused. (The JDK reads
     * no link count through a directory descriptor or an open channel.)
     */
    static int hardLinks(Path real, Object fileKey) throws IOException {
        Map<String, Object> attributes;
        try {
            attributes = Files.readAttributes(real, "unix:nlink,fileKey", LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return 1; // not a POSIX file system: no hard links to worry about here
        }
        if (fileKey != null && !fileKey.equals(attributes.get("fileKey"))) {
            throw new TaskFailure(ErrorCode.FORBIDDEN_PATH, "'" + real.getFileName() + "' was replaced while it was opened");
        }
        return (Integer) attributes.get("nlink");
    }
}
