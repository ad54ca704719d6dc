package io.taskpipe.tasks.cpu;

import io.taskpipe.contract.ErrorCode;
import io.taskpipe.tasks.TaskContext;
import io.taskpipe.tasks.TaskFailure;
import io.taskpipe.tasks.guard.FileGuard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Hostile images: each fails at once with a permanent code, before it can allocate what it asks for. */
class ThumbnailTaskTest {

    private static final TaskContext LATER = new TaskContext(Instant.now().plusSeconds(3600));

    @TempDir
    Path dir;

    private ThumbnailTask task() {
        return task(1L << 30);
    }

    private ThumbnailTask task(long maxThumbnailBytes) {
        return new ThumbnailTask(new FileGuard(dir, 1 << 30), maxThumbnailBytes);
    }

    private void png(String name, BufferedImage image) throws IOException {
        ImageIO.write(image, "png", dir.resolve(name).toFile());
    }

    private ErrorCode failure(String path, int width) {
        return failure(task(), path, width);
    }

    private ErrorCode failure(ThumbnailTask task, String path, int width) {
        try {
            task.run(new ThumbnailTask.Params(path, width), LATER);
        } catch (TaskFailure e) {
            assertThat(e.isTransient()).as("bad input is not transient").isFalse();
            return e.code();
        } catch (IOException e) {
            throw new AssertionError("an I/O error would be retried as transient: " + e, e);
        }
        throw new AssertionError("no failure for " + path);
    }

    @Test
    void shrinksAnImageKeepingItsAspectRatio() throws Exception {
        png("wide.png", new BufferedImage(64, 32, BufferedImage.TYPE_INT_RGB));
        ThumbnailTask.Output output = task().run(new ThumbnailTask.Params("wide.png", 16), LATER);
        assertThat(output.width()).isEqualTo(16);
        assertThat(output.height()).isEqualTo(8);
    }

    @Test
    void aThumbnailWiderThanItsImageIsRefusedBeforeAnythingIsAllocated() throws Exception {
        png("tall.png", new BufferedImage(1, 100, BufferedImage.TYPE_INT_RGB)); // at 4,096 px wide: 4096 × 409,600 px, 6.7 GB
        assertThat(failure("tall.png", 4096)).isEqualTo(ErrorCode.INVALID_PARAMS);
    }

    @Test
    void aThumbnailTallerThanTheLimitIsRefused() throws Exception {
        png("needle.png", new BufferedImage(10, 10_000, BufferedImage.TYPE_BYTE_GRAY)); // 5 px wide: 5,000 px high
        assertThat(failure("needle.png", 5)).isEqualTo(ErrorCode.TOO_LARGE);
    }

    @Test
    void aTruncatedImageFailsAtOnceAsInvalidContent() throws Exception {
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(200, 200, BufferedImage.TYPE_INT_RGB), "png", whole);
        byte[] bytes = whole.toByteArray();
        Files.write(dir.resolve("cut.png"), Arrays.copyOf(bytes, bytes.length / 2));
        assertThat(failure("cut.png", 16)).isEqualTo(ErrorCode.INVALID_CONTENT);
    }

    @Test
    void bytesThatAreNoImageFailAsInvalidContent() throws Exception {
        Files.writeString(dir.resolve("text.png"), "not an image at all");
        assertThat(failure("text.png", 16)).isEqualTo(ErrorCode.INVALID_CONTENT);
    }

    @Test
    void sixteenBitImagesCountTheirBytesNotJustTheirPixels() throws Exception {
        // 5,100 × 5,100 px = 26 MP, under the pixel limit; as 16-bit RGBA that decodes to 208 MB, over the byte limit
        Files.write(dir.resolve("deep.png"), pngHeader(5_100, 5_100, 16));
        assertThat(failure("deep.png", 64)).isEqualTo(ErrorCode.TOO_LARGE);
        // the same size at 8 bits (104 MB) passes the checks and then fails to decode: this header has no pixel data
        Files.write(dir.resolve("shallow.png"), pngHeader(5_100, 5_100, 8));
        assertThat(failure("shallow.png", 64)).isEqualTo(ErrorCode.INVALID_CONTENT);
    }

    @Test
    void aPixelBombIsRefusedFromItsHeader() throws Exception {
        Files.write(dir.resolve("bomb.png"), pngHeader(100_000, 100_000, 8));
        assertThat(failure("bomb.png", 64)).isEqualTo(ErrorCode.TOO_LARGE);
    }

    /** A PNG signature and header (RGBA at {@code bitDepth}) with no pixel data: what a reader learns sizes from. */
    private static byte[] pngHeader(int width, int height, int bitDepth) {
        ByteBuffer header = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) bitDepth).put((byte) 6)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        ByteBuffer png = ByteBuffer.allocate(8 + 12 + 13 + 12);
        png.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(png, "IHDR", header.array());
        chunk(png, "IEND", new byte[0]);
        return png.array();
    }

    private static void chunk(ByteBuffer png, String type, byte[] data) {
        CRC32 crc = new CRC32();
        crc.update(type.getBytes(StandardCharsets.US_ASCII));
        crc.update(data);
        png.putInt(data.length).put(type.getBytes(StandardCharsets.US_ASCII)).put(data).putInt((int) crc.getValue());
    }

    @Test
    void aThumbnailIsNotMadeOfAThumbnail() throws Exception {
        png("wide.png", noise(64, 32));
        String thumbnail = task().run(new ThumbnailTask.Params("wide.png", 32), LATER).path();
        assertThat(thumbnail).isEqualTo("wide.thumb-32.png");
        assertThat(failure(thumbnail, 16)).isEqualTo(ErrorCode.INVALID_PARAMS);
        Files.createSymbolicLink(dir.resolve("alias.png"), dir.resolve(thumbnail)); // judged by what it is, not what it is called
        assertThat(failure("alias.png", 16)).isEqualTo(ErrorCode.INVALID_PARAMS);
        assertThat(thumbnails()).containsExactly("wide.thumb-32.png");
    }

    @Test
    void thumbnailsTakeNoMoreDiskThanTheirBudget() throws Exception {
        png("wide.png", noise(256, 128));
        long first = task().run(new ThumbnailTask.Params("wide.png", 128), LATER).bytes();
        ThumbnailTask budgeted = task(first + 1_000); // room for a 4 px thumbnail (about 100 bytes), not for a 127 px one
        assertThat(budgeted.run(new ThumbnailTask.Params("wide.png", 128), LATER).bytes())
                .as("writing the same thumbnail again replaces it: no more disk").isEqualTo(first);
        assertThat(failure(budgeted, "wide.png", 127)).isEqualTo(ErrorCode.TOO_LARGE);
        assertThat(thumbnails()).as("nothing of the refused thumbnail left behind").containsExactly("wide.thumb-128.png");
        assertThat(budgeted.run(new ThumbnailTask.Params("wide.png", 4), LATER).width()).as("a small one still fits").isEqualTo(4);
    }

    /** An image that compresses badly, so thumbnails of different widths differ in size. */
    private static BufferedImage noise(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        java.util.Random random = new java.util.Random(42);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt());
            }
        }
        return image;
    }

    private List<String> thumbnails() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(file -> file.getFileName().toString()).filter(name -> name.contains(".thumb-")).sorted().toList();
        }
    }
}
