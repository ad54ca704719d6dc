package io.taskpipe;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.taskpipe.testing.KafkaBroker;
import io.taskpipe.testing.Pipeline;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * Hostile payloads: each is dead-lettered with its reason within 100 ms of reaching the topic, and
 * the valid tasks published around them succeed (the consumer never stalls).
 */
@QuarkusTest
@WithTestResource(KafkaBroker.class)
class PayloadIT {

    @Test
    void hostilePayloadsAreDeadLetteredFastAndTheConsumerGoesOn() throws Exception {
        try (Pipeline pipeline = new Pipeline()) {
            String id = pipeline.id("x");
            Map<String, String> payloads = new LinkedHashMap<>();
            payloads.put("deep nesting", "{\"id\":\"" + id + "\",\"type\":\"io.sleep\",\"params\":" + "{\"a\":".repeat(200) + "1" + "}".repeat(200) + "}");
            payloads.put("deep array", "[".repeat(100_000) + "]".repeat(100_000));
            payloads.put("huge string", "{\"id\":\"" + id + "\",\"type\":\"file.read\",\"params\":{\"path\":\"" + "a".repeat(200_000) + "\"}}");
            payloads.put("huge number", "{\"id\":\"" + id + "\",\"type\":\"compute.sum\",\"params\":{\"n\":" + "9".repeat(5_000) + "}}");
            payloads.put("huge id", "{\"id\":\"" + "i".repeat(10_000) + "\",\"type\":\"io.sleep\",\"params\":{\"millis\":1}}");
            payloads.put("unknown field", "{\"id\":\"" + id + "\",\"type\":\"io.sleep\",\"params\":{\"millis\":1},\"priority\":9}");
            payloads.put("unknown param", "{\"id\":\"" + id + "\",\"type\":\"io.sleep\",\"params\":{\"millis\":1,\"extra\":true}}");
            payloads.put("wrong type", "{\"id\":\"" + id + "\",\"type\":\"io.sleep\",\"params\":{\"millis\":\"soon\"}}");
            payloads.put("type as number", "{\"id\":\"" + id + "\",\"type\":7}");
            payloads.put("params as array", "{\"id\":\"" + id + "\",\"type\":\"io.sleep\",\"params\":[1]}");
            payloads.put("duplicate key", "{\"id\":\"" + id + "\",\"id\":\"other\",\"type\":\"io.sleep\",\"params\":{\"millis\":1}}");
            payloads.put("not json", "\u0000\u0001binary\uFFFF");
            payloads.put("empty", "");
            payloads.put("oversized record", "{\"id\":\"" + id + "\",\"type\":\"io.sleep\",\"params\":{\"millis\":1},\"pad\":\"" + " ".repeat(300_000) + "\"}");

            String warmUp = pipeline.id("warm-up"); // the lane has its partitions: what follows measures rejection alone
            pipeline.send(pipeline.task(warmUp, "io.sleep", "millis", 1).put("key", pipeline.id("warm-up")));
            pipeline.awaitResults(List.of(warmUp), Duration.ofSeconds(30));
            Map<String, String> keyOf = new LinkedHashMap<>();
            List<String> valid = new ArrayList<>();
            for (Map.Entry<String, String> payload : payloads.entrySet()) { // one at a time: each one's own latency
                // a key of its own, so each dead letter is matched to the payload it stands for; a valid task behind it on that key
                String key = pipeline.id("payload-" + keyOf.size());
                keyOf.put(payload.getKey(), key);
                pipeline.send(key, payload.getValue().getBytes(StandardCharsets.UTF_8));
                String ok = pipeline.id("valid-" + valid.size());
                valid.add(ok);
                pipeline.send(pipeline.task(ok, "io.sleep", "millis", 1).put("key", key));
                pipeline.flush();
                await(payload.getKey()).atMost(Duration.ofSeconds(10)).until(() -> !letters(pipeline, key).isEmpty());
            }
            Map<String, JsonNode> results = pipeline.awaitResults(valid, Duration.ofSeconds(30));
            assertThat(results.values()).allSatisfy(r -> assertThat(r.get("status").asText()).isEqualTo("SUCCEEDED"));

            keyOf.forEach((name, key) -> {
                List<ConsumerRecord<String, byte[]>> letters = letters(pipeline, key);
                assertThat(letters).as(name + ": one dead letter").hasSize(1);
                ConsumerRecord<String, byte[]> letter = letters.getFirst();
                long delayMs = letter.timestamp() - Long.parseLong(header(letter, "taskpipe-dlq-timestamp"));
                System.out.printf("%-18s %-20s %4d ms  %s%n", name, header(letter, "taskpipe-dlq-code"), delayMs,
                        header(letter, "taskpipe-dlq-reason"));
                assertThat(header(letter, "taskpipe-dlq-reason")).as(name).isNotBlank();
                assertThat(delayMs).as(name + " dead-lettered within 100 ms").isLessThan(100);
            });
            given().get("/q/health").then().statusCode(200).body("status", equalTo("UP"));
        }
    }

    private static List<ConsumerRecord<String, byte[]>> letters(Pipeline pipeline, String key) {
        return pipeline.deadLetters().stream().filter(d -> key.equals(d.key())).toList();
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
