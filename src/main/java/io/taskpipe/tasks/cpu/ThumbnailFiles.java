package io.taskpipe.tasks.cpu;

import io.taskpipe.contract.ErrorCode;
import io.taskpipe.tasks.TaskFailure;
import io.taskpipe.tasks.guard.FileGuard;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.regex.Pattern;

/**
 * What {@code compute.thumbnail} writes, and how much: a PNG beside its image named
 * {@code <name>.thumb-<width>.png}, never a thumbnail of a thumbnail (each generation would add files
 * without end), and all thumbnails under the base directory together within a byte budget, so tasks
 * asking for every width of every image cannot fill the disk. Thumbnails are counted by listing the
 * base directory's tree at each write: taskpipe keeps no tally that several workers would have to share
 * or that would miss an operator's clean-up. Workers writing at the same moment may each pass the budget
 * by the one thumbnail they write.
 */
final class ThumbnailFiles {

    /** Thumbnails, and those still being written. */
    private static final Pattern THUMBNAIL = Pattern.compile(".+\\.thumb-[0-9]+\\.png(\\.part)?");

    private final FileGuard files;
    private final long maxBytes;

    ThumbnailFiles(FileGuard files, long maxBytes) {
        this.files = files;
        this.maxBytes = maxBytes;
    }

    /** Whether a file (its real path, so a link to a thumbnail counts as one) is a thumbnail. */
    static boolean isThumbnail(Path file) {
        return THUMBNAIL.matcher(file.getFileName().toString()).matches();
    }

    /** Where the thumbnail of {@code input} at {@code width} goes. */
    Path outputFor(Path input, int width) {
        String name = input.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return files.sibling(input, (dot > 0 ? name.substring(0, dot) : name) + ".thumb-" + width + ".png");
    }

    /** Writes {@code image} as the PNG {@code output}, unless that takes the thumbnails past the budget; returns its size. */
    long write(BufferedImage image, Path output) throws IOException {
        Path partial = output.resolveSibling(output.getFileName() + ".part");
        try {
            ImageIO.write(image, "png", partial.toFile());
            long size = Files.size(partial);
            long others = used() - size - (Files.isRegularFile(output) ? Files.size(output) : 0); // the one replaced frees its bytes
            if (others + size > maxBytes) {
                throw new TaskFailure(ErrorCode.TOO_LARGE, "a " + size + " byte thumbnail would take the thumbnails' " + others
                        + " bytes past the budget of " + maxBytes + " (taskpipe.files.max-thumbnail-bytes)");
            }
            Files.move(partial, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return size;
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /** Bytes the thumbnails under the base directory take (links are not followed). */
    private long used() throws IOException {
        long[] bytes = {0};
        Files.walkFileTree(files.baseDirectory(), new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (attributes.isRegularFile() && isThumbnail(file)) {
                    bytes[0] += attributes.size();
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE; // gone since listed, or not ours to read: no thumbnail of ours
            }
        });
        return bytes[0];
    }
}
