package io.taskpipe.topology;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskpipe.check.Produced;
import io.taskpipe.load.TaskSender;
import io.taskpipe.testing.HttpStub;
import io.taskpipe.testing.KafkaBroker;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bodies that would exhaust a naive fetcher: a gigabyte stream, a body that trickles one byte a
 * second, a gzip bomb, a megabyte of headers. The dispatcher runs as its own process with a 128 MB
 * heap, so a fetcher that buffered would die; each task must end within its limit or deadline.
 */
class UrlLimitsIT {

    @Test
    void hostileBodiesEndWithinTheirLimitsInBoundedMemory() throws Exception {
        byte[] bomb = gzipOfZeros(256L << 20);
        try (HttpStub stub = new HttpStub();
             Topology topology = new Topology("url-limits", KafkaBroker.broker().bootstrapServers(), KafkaBroker.filesDir())
                     .with("taskpipe.urls.allow-hosts", "127.0.0.2/32")
                     // a dispatcher without cpu-workers: nothing may move to their lane, as reading a gigabyte would move url.fetch
                     .with("taskpipe.routing.mode", "DECLARED")) {
            stub.on("/gigabyte", exchange -> {
                exchange.sendResponseHeaders(200, 1L << 30);
                byte[] chunk = new byte[64 * 1024];
                try (OutputStream out = exchange.getResponseBody()) {
                    for (long sent = 0; sent < 1L << 30; sent += chunk.length) {
                        out.write(chunk);
                    }
                } catch (IOException e) {
                    // the fetcher hung up: expected
                }
            }).on("/trickle", exchange -> {
                exchange.sendResponseHeaders(200, 1_000);
                try (OutputStream out = exchange.getResponseBody()) {
                    for (int i = 0; i < 1_000; i++) {
                        out.write('x');
                        out.flush();
                        Thread.sleep(1_000);
                    }
                } catch (IOException | InterruptedException e) {
                    // the fetcher hung up: expected
                }
            }).on("/bomb", exchange -> {
                exchange.getResponseHeaders().add("Content-Encoding", "gzip");
                exchange.sendResponseHeaders(200, bomb.length);
                exchange.getResponseBody().write(bomb);
                exchange.close();
            }).on("/headers", exchange -> {
                exchange.getResponseHeaders().add("X-Filler", "h".repeat(1 << 20));
                HttpStub.respond(exchange, 200, "fine");
            }).on("/ok", exchange -> HttpStub.respond(exchange, 200, "fine"));

            AppProcess dispatcher = topology.start("dispatcher", "dispatcher", Map.of(), List.of("-Xmx128m"));
            try (TaskSender load = topology.load(10, 8); Outcomes outcomes = new Outcomes(topology)) {
                Map<String, String> idOf = new HashMap<>();
                for (String path : List.of("/gigabyte", "/trickle", "/bomb", "/headers")) {
                    idOf.put(path, load.send(Mixes.task("url.fetch", "url", stub.url(path), 5_000)));
                    load.send(Mixes.entry("url.fetch", 1, "url", stub.url("/ok")));
                }
                outcomes.awaitAll(load.produced(), Duration.ofSeconds(60));
                Set<String> ids = load.produced().stream().map(Produced::taskId).collect(Collectors.toSet());
                Map<String, JsonNode> results = topology.results(ids);

                JsonNode gigabyte = results.get(idOf.get("/gigabyte"));
                assertThat(gigabyte.at("/error/code").asText()).isEqualTo("TOO_LARGE");
                JsonNode trickle = results.get(idOf.get("/trickle"));
                assertThat(trickle.get("status").asText()).isEqualTo("TIMED_OUT");
                assertThat(trickle.at("/timing/serviceMs").asDouble()).isBetween(5_000.0, 7_000.0);
                JsonNode gzip = results.get(idOf.get("/bomb"));
                assertThat(gzip.get("status").asText()).as("hashed as sent, never inflated").isEqualTo("SUCCEEDED");
                assertThat(gzip.at("/output/bytes").asLong()).isEqualTo(bomb.length);
                JsonNode headers = results.get(idOf.get("/headers"));
                assertThat(headers.get("status").asText()).isEqualTo("FAILED");
                assertThat(headers.at("/error/code").asText()).isEqualTo("TOO_LARGE");
                results.forEach((id, r) -> assertThat(r.at("/timing/serviceMs").asDouble()).as(r.toString()).isLessThan(7_000));
                assertThat(results.values().stream().filter(r -> r.get("status").asText().equals("SUCCEEDED")).count())
                        .as("the 4 valid fetches and the bomb").isEqualTo(5);
                assertThat(dispatcher.isAlive()).as("the 128 MB dispatcher survived").isTrue();
                System.out.printf("url limits: gigabyte %s after %.0f ms, trickle %s after %.0f ms, gzip bomb of %d bytes hashed as sent, "
                                + "1 MiB of headers %s%n", gigabyte.at("/error/code").asText(), gigabyte.at("/timing/serviceMs").asDouble(),
                        trickle.get("status").asText(), trickle.at("/timing/serviceMs").asDouble(), bomb.length, headers.at("/error/code").asText());
            }
        }
    }

    private static byte[] gzipOfZeros(long size) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            byte[] zeros = new byte[1 << 20];
            for (long written = 0; written < size; written += zeros.length) {
                gzip.write(zeros);
            }
        }
        return bytes.toByteArray();
    }
}
