package io.taskpipe;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.taskpipe.embedded.LocalWorkers;
import io.taskpipe.testing.KafkaBroker;
import io.taskpipe.testing.Pipeline;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One task of every type through the real pipeline (broker, dispatcher, cpu-worker process), each
 * output checked against a value the test computes on its own.
 */
@QuarkusTest
@WithTestResource(KafkaBroker.class)
class TaskTypesIT {

    private static final long TEST_PID = ProcessHandle.current().pid();

    static HttpServer server;
    static byte[] served = new byte[200_000];

    @Inject
    LocalWorkers localWorkers;

    @BeforeAll
    static void startHttpServer() throws IOException {
        new Random(42).nextBytes(served);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0), 0);
        server.createContext("/blob", exchange -> {
            exchange.sendResponseHeaders(200, served.length);
            exchange.getResponseBody().write(served);
            exchange.close();
        });
        server.start();
    }

    @AfterAll
    static void stopHttpServer() {
        server.stop(0);
    }

    @Test
    void everyTypeProducesItsIndependentlyCheckedOutput() throws Exception {
        Path dir = KafkaBroker.filesDir();
        String text = "first line\nsecond line\nthird, without newline";
        Files.writeString(dir.resolve("notes.txt"), text);
        byte[] blob = new byte[3_000_000];
        new Random(7).nextBytes(blob);
        Files.write(dir.resolve("blob.bin"), blob);
        BufferedImage image = new BufferedImage(64, 32, BufferedImage.TYPE_INT_RGB);
        image.setRGB(10, 10, 0xff0000);
        ImageIO.write(image, "png", dir.resolve("picture.png").toFile());

        try (Pipeline pipeline = new Pipeline()) {
            Map<String, String> types = Map.of(
                    pipeline.id("sleep"), "io.sleep",
                    pipeline.id("read"), "file.read",
                    pipeline.id("hash"), "file.hash",
                    pipeline.id("fetch"), "url.fetch",
                    pipeline.id("sha"), "compute.sha256",
                    pipeline.id("primes"), "compute.primes",
                    pipeline.id("sum"), "compute.sum",
                    pipeline.id("thumb"), "compute.thumbnail");
            pipeline.send(pipeline.task(pipeline.id("sleep"), "io.sleep", "millis", 50));
            pipeline.send(pipeline.task(pipeline.id("read"), "file.read", "path", "notes.txt"));
            pipeline.send(pipeline.task(pipeline.id("hash"), "file.hash", "path", "blob.bin"));
            pipeline.send(pipeline.task(pipeline.id("fetch"), "url.fetch",
                    "url", "http://127.0.0.2:" + server.getAddress().getPort() + "/blob"));
            pipeline.send(pipeline.task(pipeline.id("sha"), "compute.sha256", "mebibytes", 3, "seed", 11));
            pipeline.send(pipeline.task(pipeline.id("primes"), "compute.primes", "below", 200_000));
            pipeline.send(pipeline.task(pipeline.id("sum"), "compute.sum", "n", 50_000_000L));
            pipeline.send(pipeline.task(pipeline.id("thumb"), "compute.thumbnail", "path", "picture.png", "width", 16));

            Map<String, JsonNode> results = pipeline.awaitResults(types.keySet(), Duration.ofSeconds(60));

            results.values().forEach(r -> assertThat(r.get("status").asText()).as(r.toString()).isEqualTo("SUCCEEDED"));
            JsonNode sleep = results.get(pipeline.id("sleep")).get("output");
            assertThat(sleep.get("sleptMs").asLong()).isGreaterThanOrEqualTo(50);

            JsonNode read = results.get(pipeline.id("read")).get("output");
            assertThat(read.get("bytes").asLong()).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
            assertThat(read.get("lines").asLong()).isEqualTo(3);
            assertThat(read.get("head").asText()).isEqualTo(text);

            JsonNode hash = results.get(pipeline.id("hash")).get("output");
            assertThat(hash.get("bytes").asLong()).isEqualTo(blob.length);
            assertThat(hash.get("sha256").asText()).isEqualTo(sha256(blob));

            JsonNode fetch = results.get(pipeline.id("fetch")).get("output");
            assertThat(fetch.get("status").asInt()).isEqualTo(200);
            assertThat(fetch.get("bytes").asLong()).isEqualTo(served.length);
            assertThat(fetch.get("sha256").asText()).isEqualTo(sha256(served));
            assertThat(fetch.get("ttfbMs").asDouble()).isPositive();

            assertThat(results.get(pipeline.id("sha")).get("output").get("sha256").asText()).isEqualTo(generatedSha256(3, 11));
            assertThat(results.get(pipeline.id("primes")).get("output").get("count").asLong()).isEqualTo(trialDivisionCount(200_000));
            assertThat(results.get(pipeline.id("sum")).get("output").get("sum").asLong()).isEqualTo(50_000_000L * 49_999_999L / 2);

            JsonNode thumb = results.get(pipeline.id("thumb")).get("output");
            BufferedImage written = ImageIO.read(dir.resolve(thumb.get("path").asText()).toFile());
            assertThat(written.getWidth()).isEqualTo(16).isEqualTo(thumb.get("width").asInt());
            assertThat(written.getHeight()).isEqualTo(8).isEqualTo(thumb.get("height").asInt());
            assertThat(thumb.get("bytes").asLong()).isEqualTo(Files.size(dir.resolve(thumb.get("path").asText())));

            List<Long> workerPids = localWorkers.pids();
            assertThat(workerPids).hasSize(1).doesNotContain(TEST_PID);
            results.forEach((id, result) -> {
                JsonNode worker = result.get("worker");
                if (types.get(id).startsWith("compute.")) {
                    assertThat(result.get("lane").asText()).isEqualTo("CPU");
                    assertThat(worker.get("pid").asLong()).as("CPU tasks run in the worker process").isEqualTo(workerPids.get(0));
                    assertThat(worker.get("virtual").asBoolean()).isFalse();
                    assertThat(result.get("source").get("topic").asText()).isEqualTo("taskpipe.tasks.cpu");
                    assertThat(result.at("/timing/cpuMs").isNumber()).isTrue();
                } else {
                    assertThat(result.get("lane").asText()).isEqualTo("IO");
                    assertThat(worker.get("pid").asLong()).as("IO tasks run in the dispatcher").isEqualTo(TEST_PID);
                    assertThat(worker.get("virtual").asBoolean()).isTrue();
                    assertThat(result.get("source").get("topic").asText()).isEqualTo("taskpipe.tasks");
                }
                assertTimingComplete(result.get("timing"));
                assertThat(result.get("attempt").asInt()).isEqualTo(1);
                assertThat(result.at("/ordering/mode").asText()).isEqualTo("KEY");
                assertThat(result.at("/ordering/inOrder").asBoolean()).isTrue();
            });
        }
    }

    static void assertTimingComplete(JsonNode timing) {
        Instant created = Instant.parse(timing.get("createdAt").asText());
        Instant enqueued = Instant.parse(timing.get("enqueuedAt").asText());
        Instant started = Instant.parse(timing.get("startedAt").asText());
        Instant finished = Instant.parse(timing.get("finishedAt").asText());
        assertThat(created).isBeforeOrEqualTo(enqueued);
        assertThat(enqueued).isBeforeOrEqualTo(started);
        assertThat(started).isBeforeOrEqualTo(finished);
        for (String field : List.of("queueWaitMs", "serviceMs", "endToEndMs")) {
            assertThat(timing.get(field).isNumber()).as(field).isTrue();
            assertThat(timing.get(field).asDouble()).as(field).isGreaterThanOrEqualTo(0);
        }
        assertThat(timing.get("endToEndMs").asDouble()).isGreaterThanOrEqualTo(timing.get("serviceMs").asDouble());
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** The contract's definition of compute.sha256's bytes: SplittableRandom(seed) filling 1 MiB blocks. */
    static String generatedSha256(int mebibytes, long seed) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        SplittableRandom random = new SplittableRandom(seed);
        byte[] block = new byte[1 << 20];
        for (int i = 0; i < mebibytes; i++) {
            random.nextBytes(block);
            digest.update(block);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static long trialDivisionCount(int below) {
        long count = 0;
        for (int n = 2; n < below; n++) {
            boolean prime = true;
            for (int d = 2; (long) d * d <= n; d++) {
                if (n % d == 0) {
                    prime = false;
                    break;
                }
            }
            if (prime) {
                count++;
            }
        }
        return count;
    }
}
