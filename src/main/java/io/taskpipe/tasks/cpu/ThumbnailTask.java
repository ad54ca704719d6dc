package io.taskpipe.tasks.cpu;

import io.taskpipe.contract.ErrorCode;
import io.taskpipe.contract.Lane;
import io.taskpipe.tasks.TaskContext;
import io.taskpipe.tasks.TaskFailure;
import io.taskpipe.tasks.TaskHandler;
import io.taskpipe.tasks.guard.FileGuard;
import jakarta.inject.Singleton;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * {@code compute.thumbnail}: decodes an image (PNG, JPEG, GIF, BMP), scales it to {@code width} keeping
 * its aspect ratio, and writes a PNG beside it named {@code <name>.thumb-<width>.png}.
 */
@Singleton
public class ThumbnailTask extends TaskHandler<ThumbnailTask.Params> {

    /** 50 megapixels: 200 MB as 32-bit pixels. */
    static final long MAX_PIXELS = 50_000_000;

    static {
        System.setProperty("java.awt.headless", "true");
    }

    public record Params(@NotBlank String path, @NotNull @Positive @Max(4096) Integer width) {
    }

    /** The thumbnail's size, its PNG's length in bytes, and where it was written (relative to the base directory). */
    public record Output(int width, int height, long bytes, String path) {
    }

    private final FileGuard files;

    public ThumbnailTask(FileGuard files) {
        super("compute.thumbnail", Lane.CPU, Params.class);
        this.files = files;
    }

    /** Decodes an image, refusing before decoding one whose pixels would not fit in memory (a "pixel bomb"). */
    private BufferedImage decode(Path input, String path) throws IOException {
        try (InputStream in = files.open(input); ImageInputStream images = ImageIO.createImageInputStream(in)) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(images);
            if (!readers.hasNext()) {
                throw new TaskFailure(ErrorCode.INVALID_PARAMS, "params.path '" + path + "' is not an image ImageIO can decode");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(images, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > MAX_PIXELS) {
                    throw new TaskFailure(ErrorCode.TOO_LARGE, "'" + path + "' has " + pixels + " pixels, more than the limit of " + MAX_PIXELS);
                }
                return reader.read(0);
            } finally {
                reader.dispose();
            }
        }
    }

    @Override
    public Output run(Params params, TaskContext context) throws IOException {
        Path input = files.resolve(params.path());
        BufferedImage source = decode(input, params.path());
        context.checkDeadline();
        int width = params.width();
        int height = Math.max(1, (int) Math.round((double) source.getHeight() * width / source.getWidth()));
        BufferedImage thumbnail = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        Graphics2D graphics = thumbnail.createGraphics();
        try {
            graphics.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            graphics.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            graphics.drawImage(source, 0, 0, width, height, null);
        } finally {
            graphics.dispose();
        }
        context.checkDeadline();
        String name = input.getFileName().toString();
        int dot = name.lastIndexOf('.');
        Path output = files.sibling(input, (dot > 0 ? name.substring(0, dot) : name) + ".thumb-" + width + ".png");
        Path partial = output.resolveSibling(output.getFileName() + ".part");
        ImageIO.write(thumbnail, "png", partial.toFile());
        Files.move(partial, output, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return new Output(width, height, Files.size(output), files.relative(output));
    }
}
