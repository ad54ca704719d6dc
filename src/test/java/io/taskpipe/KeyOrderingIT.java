package io.taskpipe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.taskpipe.testing.KafkaBroker;
import io.taskpipe.testing.Pipeline;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 1,000 tasks over 50 keys, each key with its own {@code seq}, with random durations that would
 * reorder them if a key's tasks ran in parallel. Half the keys hold waiting work (IO lane), half
 * computing work (CPU lane, in the worker process). Per key, the results must show sequence numbers
 * finishing in order, without overlap, and every result must say {@code inOrder}.
 */
@QuarkusTest
@WithTestResource(KafkaBroker.class)
class KeyOrderingIT {

    @Test
    void tasksOfOneKeyFinishInSequence() throws Exception {
        try (Pipeline pipeline = new Pipeline()) {
            Random random = new Random(3);
            Map<String, Integer> nextSeq = new HashMap<>();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                int k = random.nextInt(50);
                String key = pipeline.id("key-" + k);
                int seq = nextSeq.merge(key, 1, Integer::sum);
                String id = pipeline.id("task-" + i);
                ObjectNode task = k < 25
                        ? pipeline.task(id, "io.sleep", "millis", random.nextInt(30))
                        : pipeline.task(id, "compute.sum", "n", 1_000_000L + random.nextInt(20_000_000));
                task.put("key", key).put("seq", seq);
                pipeline.send(task);
                ids.add(id);
            }
            Map<String, JsonNode> results = pipeline.awaitResults(ids, Duration.ofSeconds(90));

            Map<String, List<JsonNode>> byKey = new HashMap<>();
            results.values().forEach(r -> byKey.computeIfAbsent(r.get("key").asText(), k -> new ArrayList<>()).add(r));
            int violations = 0;
            for (List<JsonNode> keyResults : byKey.values()) {
                keyResults.sort(Comparator.comparing(r -> Instant.parse(r.at("/timing/startedAt").asText())));
                for (int i = 1; i < keyResults.size(); i++) {
                    JsonNode previous = keyResults.get(i - 1);
                    JsonNode current = keyResults.get(i);
                    boolean seqInOrder = current.get("seq").asLong() > previous.get("seq").asLong();
                    boolean noOverlap = !Instant.parse(current.at("/timing/startedAt").asText())
                            .isBefore(Instant.parse(previous.at("/timing/finishedAt").asText()));
                    if (!seqInOrder || !noOverlap) {
                        violations++;
                    }
                }
            }
            System.out.printf("1000 tasks over %d keys: %d per-key ordering violations%n", byKey.size(), violations);
            assertThat(byKey).hasSize(50);
            assertThat(violations).isZero();
            assertThat(results.values()).allSatisfy(r -> {
                assertThat(r.get("status").asText()).isEqualTo("SUCCEEDED");
                assertThat(r.at("/ordering/inOrder").asBoolean()).isTrue();
            });
        }
    }
}
