package io.taskpipe;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.taskpipe.testing.HttpStub;
import io.taskpipe.testing.KafkaBroker;
import io.taskpipe.testing.Pipeline;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Transient failures are retried with backoff (defaults: 4 attempts, 1 s, ×2, ±20 %) and then dead-
 * lettered, while the key waits and every other key runs on.
 */
@QuarkusTest
@WithTestResource(KafkaBroker.class)
class RetriesIT {

    @Test
    void transientFailuresAreRetriedThenDeadLetteredWithoutSlowingOtherKeys() throws Exception {
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        try (HttpStub stub = new HttpStub(); Pipeline pipeline = new Pipeline()) {
            stub.on("/flaky/", exchange -> {
                int call = calls.computeIfAbsent(exchange.getRequestURI().getPath(), p -> new AtomicInteger()).incrementAndGet();
                HttpStub.respond(exchange, call <= 2 ? 503 : 200, call <= 2 ? "busy" : "fine");
            }).on("/down", exchange -> HttpStub.respond(exchange, 503, "down"));

            List<String> before = sleeps(pipeline, "before", 100);
            Map<String, JsonNode> baseline = pipeline.awaitResults(before, Duration.ofSeconds(30));

            String key = pipeline.id("retrying-key");
            String flaky = pipeline.id("flaky");
            String down = pipeline.id("down");
            String afterDown = pipeline.id("after-down");
            pipeline.send(pipeline.task(flaky, "url.fetch", "url", stub.url("/flaky/" + flaky)));
            pipeline.send(pipeline.task(down, "url.fetch", "url", stub.url("/down")).put("key", key));
            pipeline.send(pipeline.task(afterDown, "io.sleep", "millis", 1).put("key", key));
            await().atMost(Duration.ofSeconds(10)).until(() -> calls.containsKey("/flaky/" + flaky));
            List<String> during = sleeps(pipeline, "during", 100);
            Map<String, JsonNode> meanwhile = pipeline.awaitResults(during, Duration.ofSeconds(30));

            Map<String, JsonNode> results = pipeline.awaitResults(List.of(flaky, down, afterDown), Duration.ofSeconds(60));
            JsonNode recovered = results.get(flaky);
            assertThat(recovered.get("status").asText()).isEqualTo("SUCCEEDED");
            assertThat(recovered.get("attempt").asInt()).isEqualTo(3);
            assertThat(calls.get("/flaky/" + flaky).get()).isEqualTo(3);

            JsonNode gaveUp = results.get(down);
            assertThat(gaveUp.get("status").asText()).isEqualTo("FAILED");
            assertThat(gaveUp.at("/error/code").asText()).isEqualTo("RETRIES_EXHAUSTED");
            assertThat(gaveUp.at("/error/message").asText()).contains("failed transiently 4 times").contains("UNAVAILABLE").contains("503");
            assertThat(gaveUp.get("attempt").asInt()).isEqualTo(4);
            assertThat(Instant.parse(results.get(afterDown).at("/timing/startedAt").asText()))
                    .as("the key's next task waits for the retries").isAfter(Instant.parse(gaveUp.at("/timing/finishedAt").asText()));

            await().atMost(Duration.ofSeconds(10)).until(() -> deadLetterOf(pipeline, down) != null);
            ConsumerRecord<String, byte[]> letter = deadLetterOf(pipeline, down);
            assertThat(header(letter, "taskpipe-dlq-code")).isEqualTo("RETRIES_EXHAUSTED");
            assertThat(header(letter, "taskpipe-dlq-attempts")).isEqualTo("4");
            assertThat(header(letter, "taskpipe-dlq-exception")).isEqualTo("io.taskpipe.tasks.TaskFailure");
            assertThat(header(letter, "taskpipe-dlq-reason")).contains("503");
            assertThat(header(letter, "taskpipe-dlq-topic")).isEqualTo("taskpipe.tasks");
            assertThat(Pipeline.parse(letter.value()).get("id").asText()).as("the original bytes").isEqualTo(down);

            double baselineP99 = p99(baseline);
            double meanwhileP99 = p99(meanwhile);
            System.out.printf("other keys' p99 end-to-end: %.1f ms before, %.1f ms while a key retried%n", baselineP99, meanwhileP99);
            assertThat(meanwhileP99).as("other keys are not held up by a retrying key").isLessThan(Math.max(100, 3 * baselineP99));
        }
    }

    private static List<String> sleeps(Pipeline pipeline, String name, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = pipeline.id(name + "-" + i);
            ids.add(id);
            pipeline.send(pipeline.task(id, "io.sleep", "millis", 5));
        }
        pipeline.flush();
        return ids;
    }

    private static double p99(Map<String, JsonNode> results) {
        double[] latencies = results.values().stream().mapToDouble(r -> r.at("/timing/endToEndMs").asDouble()).sorted().toArray();
        return latencies[(int) Math.ceil(latencies.length * 0.99) - 1];
    }

    private static ConsumerRecord<String, byte[]> deadLetterOf(Pipeline pipeline, String id) {
        return pipeline.deadLetters().stream().filter(d -> id.equals(Pipeline.parse(d.value()).path("id").asText())).findFirst().orElse(null);
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
