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
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Bad input costs a dead letter with the reason (and a REJECTED result where the id is readable),
 * never a crash or a stall: valid tasks of the same key around the bad ones still succeed.
 */
@QuarkusTest
@WithTestResource(KafkaBroker.class)
class BadInputIT {

    @Test
    void badRecordsAreDeadLetteredWhileValidOnesAroundThemSucceed() throws Exception {
        try (Pipeline pipeline = new Pipeline()) {
            String key = pipeline.id("shared-key");
            List<String> valid = new ArrayList<>();
            String malformed = "{\"id\": \"" + pipeline.id("malformed") + "\", \"type\": ";
            String unknownType = pipeline.id("unknown-type");
            String invalidParams = pipeline.id("invalid-params");
            String wrongFieldType = pipeline.id("wrong-field-type");
            byte[] oversized = new byte[300_000];
            Arrays.fill(oversized, (byte) ' ');

            for (int round = 0; round < 3; round++) {
                valid.add(sendValid(pipeline, key, "before-" + round));
            }
            pipeline.send(key, malformed.getBytes(StandardCharsets.UTF_8));
            valid.add(sendValid(pipeline, key, "between-1"));
            pipeline.send(pipeline.task(unknownType, "no.such.type").put("key", key));
            valid.add(sendValid(pipeline, key, "between-2"));
            pipeline.send(pipeline.task(invalidParams, "io.sleep", "millis", -5).put("key", key));
            valid.add(sendValid(pipeline, key, "between-3"));
            pipeline.send(pipeline.task(wrongFieldType, "compute.sum", "n", 10).put("key", key).put("seq", "seventeen"));
            pipeline.send(key, oversized);
            valid.add(sendValid(pipeline, key, "after"));

            Map<String, JsonNode> results = pipeline.awaitResults(
                    concat(valid, List.of(unknownType, invalidParams, wrongFieldType)), Duration.ofSeconds(30));
            assertThat(valid).allSatisfy(id -> assertThat(results.get(id).get("status").asText()).isEqualTo("SUCCEEDED"));
            assertRejected(results.get(unknownType), "UNKNOWN_TYPE", "unknown task type 'no.such.type'");
            assertRejected(results.get(invalidParams), "INVALID_PARAMS", "params.millis must be greater than or equal to 0");
            assertRejected(results.get(wrongFieldType), "INVALID_TASK", "field 'seq'");

            await().atMost(Duration.ofSeconds(10)).until(() -> pipeline.deadLetters().stream().filter(d -> key.equals(d.key())).count() == 5);
            List<ConsumerRecord<String, byte[]>> letters = pipeline.deadLetters().stream().filter(d -> key.equals(d.key())).toList();
            assertThat(letters).extracting(d -> header(d, "taskpipe-dlq-code"))
                    .containsExactly("MALFORMED_JSON", "UNKNOWN_TYPE", "INVALID_PARAMS", "INVALID_TASK", "PAYLOAD_TOO_LARGE");
            assertThat(header(letters.get(0), "taskpipe-dlq-reason")).startsWith("not valid JSON");
            assertThat(header(letters.get(4), "taskpipe-dlq-reason")).contains("more than the limit of 262144");
            assertThat(new String(letters.get(0).value(), StandardCharsets.UTF_8)).as("the original bytes are kept").isEqualTo(malformed);
            assertThat(letters).allSatisfy(d -> {
                assertThat(header(d, "taskpipe-dlq-topic")).isEqualTo("taskpipe.tasks");
                assertThat(header(d, "taskpipe-dlq-offset")).isNotBlank();
            });
        }
    }

    private static String sendValid(Pipeline pipeline, String key, String name) {
        String id = pipeline.id(name);
        pipeline.send(pipeline.task(id, "io.sleep", "millis", 1).put("key", key));
        return id;
    }

    private static void assertRejected(JsonNode result, String code, String reason) {
        assertThat(result.get("status").asText()).isEqualTo("REJECTED");
        assertThat(result.at("/error/code").asText()).isEqualTo(code);
        assertThat(result.at("/error/message").asText()).contains(reason);
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
