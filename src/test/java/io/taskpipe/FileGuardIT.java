package io.taskpipe;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.taskpipe.testing.KafkaBroker;
import io.taskpipe.testing.Pipeline;
import org.junit.jupiter.api.Test;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * Path traversal and friends: file tasks that try to read outside the base directory, through links,
 * devices, FIFOs, /proc or sheer size. Each is refused; nothing outside the base directory is read
 * (a secret beside it never shows up in any output); valid reads around them succeed.
 */
@QuarkusTest
@WithTestResource(KafkaBroker.class)
class FileGuardIT {

    @Test
    void traversalVectorsAreRefusedAndNothingOutsideIsRead() throws Exception {
        Path base = KafkaBroker.filesDir();
        String run = UUID.randomUUID().toString().substring(0, 8);
        Path outside = Files.createDirectories(base.resolveSibling("outside-" + run));
        String secret = "the secret " + run;
        Files.writeString(outside.resolve("secret.txt"), secret);
        Path dir = Files.createDirectories(base.resolve("guard-" + run));
        Files.writeString(dir.resolve("ok.txt"), "fine\n");
        Files.createDirectories(dir.resolve("sub"));
        Files.createSymbolicLink(dir.resolve("link-to-secret"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(dir.resolve("link-to-outside-dir"), outside);
        Files.createSymbolicLink(dir.resolve("link-to-passwd"), Path.of("/etc/passwd"));
        Files.createSymbolicLink(dir.resolve("link-to-proc"), Path.of("/proc/self/environ"));
        Files.createSymbolicLink(dir.resolve("link-to-dev-zero"), Path.of("/dev/zero"));
        Files.createLink(dir.resolve("hardlink-to-secret"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(dir.resolve("loop-a"), dir.resolve("loop-b"));
        Files.createSymbolicLink(dir.resolve("loop-b"), dir.resolve("loop-a"));
        Files.createSymbolicLink(dir.resolve("here"), Path.of("."));
        assertThat(new ProcessBuilder("mkfifo", dir.resolve("fifo").toString()).start().waitFor()).isZero();
        try (RandomAccessFile big = new RandomAccessFile(dir.resolve("huge.bin").toFile(), "rw")) {
            big.setLength((1L << 30) + 1); // sparse: one byte over the 1 GiB limit, no disk used
        }
        String d = dir.getFileName().toString();

        List<String> vectors = List.of(
                "../outside-" + run + "/secret.txt", d + "/../../outside-" + run + "/secret.txt", "../../etc/passwd",
                "/etc/passwd", "/proc/self/environ", "//etc/passwd", d + "/sub/../../../outside-" + run + "/secret.txt",
                "./../outside-" + run + "/secret.txt", d + "/./sub/./../../../outside-" + run + "/secret.txt",
                d + "/link-to-secret", d + "/link-to-outside-dir/secret.txt", d + "/link-to-passwd", d + "/link-to-proc",
                d + "/link-to-dev-zero", d + "/hardlink-to-secret", d + "/fifo", d + "/sub", d, "..", ".",
                d + "/huge.bin", d + "/ok.txt\u0000.png", "..%2f..%2fetc%2fpasswd", "%2e%2e/outside-" + run + "/secret.txt",
                "..\\outside-" + run + "\\secret.txt", d + "/missing.txt",
                // what the kernel refuses with ELOOP and ENAMETOOLONG: permanent, not I/O errors
                d + "/loop-a", d + "/" + "n".repeat(256), d + "/" + "here/".repeat(900) + "ok.txt");
        assertThat(vectors).hasSizeGreaterThanOrEqualTo(20);

        try (Pipeline pipeline = new Pipeline()) {
            Map<String, String> vectorById = new LinkedHashMap<>();
            List<String> valid = new ArrayList<>();
            for (int i = 0; i < vectors.size(); i++) {
                String type = i % 2 == 0 ? "file.read" : "file.hash";
                String id = pipeline.id("vector-" + i);
                vectorById.put(id, vectors.get(i));
                pipeline.send(pipeline.task(id, type, "path", vectors.get(i)));
                String ok = pipeline.id("valid-" + i);
                valid.add(ok);
                pipeline.send(pipeline.task(ok, type, "path", d + "/ok.txt"));
            }
            List<String> all = new ArrayList<>(vectorById.keySet());
            all.addAll(valid);
            Map<String, JsonNode> results = pipeline.awaitResults(all, Duration.ofSeconds(60));

            String secretSha = TaskTypesIT.sha256(secret.getBytes());
            vectorById.forEach((id, path) -> {
                JsonNode result = results.get(id);
                System.out.printf("%-50s %s %s%n", path.replace("\u0000", "\\0"), result.at("/error/code").asText(), result.at("/error/message").asText());
                assertThat(result.get("status").asText()).as(path).isIn("FAILED", "REJECTED");
                assertThat(result.at("/error/code").asText()).as(path).isIn("FORBIDDEN_PATH", "NOT_FOUND", "TOO_LARGE");
                assertThat(result.toString()).as("nothing of the secret").doesNotContain(secret).doesNotContain(secretSha);
            });
            long forbidden = vectorById.keySet().stream().filter(id -> results.get(id).at("/error/code").asText().equals("FORBIDDEN_PATH")).count();
            assertThat(forbidden).as("refused as forbidden, not merely missing").isGreaterThanOrEqualTo(15);
            assertThat(valid).allSatisfy(id -> assertThat(results.get(id).get("status").asText()).isEqualTo("SUCCEEDED"));
            assertThat(Set.of(results.get(vectorById.keySet().stream().filter(id -> vectorById.get(id).endsWith("huge.bin")).findFirst().orElseThrow())
                    .at("/error/code").asText())).containsExactly("TOO_LARGE");
            given().get("/q/health").then().statusCode(200).body("status", equalTo("UP"));
        }
    }
}
