package io.taskpipe.tasks.cpu;

import io.taskpipe.config.TaskpipeConfig;
import io.taskpipe.contract.ErrorCode;
import io.taskpipe.contract.Lane;
import io.taskpipe.tasks.TaskContext;
import io.taskpipe.tasks.TaskFailure;
import io.taskpipe.tasks.TaskHandler;
import io.taskpipe.tasks.guard.FileGuard;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;

/**
 * {@code compute.thumbnail}: decodes an image (PNG, JPEG, GIF, BMP), scales it down to {@code width}
 * keeping its aspect ratio, and writes a PNG beside it named {@code <name>.thumb-<width>.png}, within
 * the thumbnails' disk budget and never of a thumbnail ({@link ThumbnailFiles}).
 *
 * <p>Everything that costs memory is judged from the image's header before a pixel is allocated: the
 * source's pixels and decoded bytes (a 16-bit image takes twice the bytes of an 8-bit one), and the
 * thumbnail's size (no upscaling, neither side over {@value #MAX_SIDE}), so a 1 × 100 px image asked
 * for 4,096 px of width fails at once instead of allocating gigabytes. An image that does not decode
 * is bad input, not a transient failure: it fails at once as {@code INVALID_CONTENT}.
 */
@Singleton
public class ThumbnailTask extends TaskHandler<ThumbnailTask.Params> {

    /** 50 megapixels. */
    static final long MAX_PIXELS = 50_000_000;
    /** What decoding may allocate: 50 megapixels at 32 bits. */
    static final long MAX_DECODED_BYTES = 200_000_000;
    /** Longest side of a thumbnail. */
    static final int MAX_SIDE = 4096;

    static {
        System.setProperty("java.awt.headless", "true");
    }

    public record Params(@NotBlank String path, @NotNull @Positive @Max(MAX_SIDE) Integer width) {
    }

    /** The thumbnail's size, its PNG's length in bytes, and where it was written (relative to the base directory). */
    public record Output(int width, int height, long bytes, String path) {
    }

    private final FileGuard files;
    private final ThumbnailFiles thumbnails;

    @Inject
    public ThumbnailTask(FileGuard files, TaskpipeConfig config) {
        this(files, config.files().maxThumbnailBytes());
    }

    public ThumbnailTask(FileGuard files, long maxThumbnailBytes) {
        super("compute.thumbnail", Lane.CPU, Params.class);
        this.files = files;
        this.thumbnails = new ThumbnailFiles(files, maxThumbnailBytes);
    }

    /** Decodes an image, after checking from its header that it and its thumbnail fit the limits. */
    private BufferedImage decode(Path input, String path, int width) throws IOException {
        try (InputStream in = files.open(input); ImageInputStream images = ImageIO.createImageInputStream(in)) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(images);
            if (!readers.hasNext()) {
                throw new TaskFailure(ErrorCode.INVALID_CONTENT, "'" + path + "' is not an image ImageIO can decode");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(images, true, true);
                checkSizes(reader, path, width);
                return reader.read(0);
            } catch (IOException | RuntimeException e) {
                if (e instanceof TaskFailure failure) {
                    throw failure;
                }
                throw new TaskFailure(ErrorCode.INVALID_CONTENT, "'" + path + "' does not decode as an image: " + e, e);
            } finally {
                reader.dispose();
            }
        }
    }

    private static void checkSizes(ImageReader reader, String path, int width) throws IOException {
        int sourceWidth = reader.getWidth(0);
        int sourceHeight = reader.getHeight(0);
        long pixels = (long) sourceWidth * sourceHeight;
        if (pixels > MAX_PIXELS) {
            throw new TaskFailure(ErrorCode.TOO_LARGE, "'" + path + "' has " + pixels + " pixels, more than the limit of " + MAX_PIXELS);
        }
        ImageTypeSpecifier type = reader.getRawImageType(0);
        long bitsPerPixel = type == null ? 32 : Arrays.stream(type.getSampleModel().getSampleSize()).sum();
        long decodedBytes = pixels * Math.max(32, bitsPerPixel) / 8;
        if (decodedBytes > MAX_DECODED_BYTES) {
            throw new TaskFailure(ErrorCode.TOO_LARGE, "'" + path + "' would take " + decodedBytes + " bytes decoded ("
                    + bitsPerPixel + " bits per pixel), more than the limit of " + MAX_DECODED_BYTES);
        }
        if (width > sourceWidth) {
            throw new TaskFailure(ErrorCode.INVALID_PARAMS, "params.width " + width + " is wider than '" + path + "' (" + sourceWidth
                    + " px): thumbnails only shrink");
        }
        long height = thumbnailHeight(sourceWidth, sourceHeight, width);
        if (height > MAX_SIDE) {
            throw new TaskFailure(ErrorCode.TOO_LARGE, "a " + width + " px wide thumbnail of '" + path + "' (" + sourceWidth + " × "
                    + sourceHeight + " px) would be " + height + " px high, more than the limit of " + MAX_SIDE);
        }
    }

    private static int thumbnailHeight(long sourceWidth, long sourceHeight, int width) {
        return (int) Math.max(1, Math.round((double) sourceHeight * width / sourceWidth));
    }

    @Override
    public Output run(Params params, TaskContext context) throws IOException {
        Path input = files.resolve(params.path());
        if (ThumbnailFiles.isThumbnail(input)) {
            throw new TaskFailure(ErrorCode.INVALID_PARAMS, "params.path '" + params.path() + "' is a thumbnail ("
                    + files.relative(input) + "): thumbnails are made of images, not of thumbnails");
        }
        int width = params.width();
        BufferedImage source = decode(input, params.path(), width);
        context.checkDeadline();
        int height = thumbnailHeight(source.getWidth(), source.getHeight(), width);
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
        Path output = thumbnails.outputFor(input, width);
        return new Output(width, height, thumbnails.write(thumbnail, output), files.relative(output));
    }
}
