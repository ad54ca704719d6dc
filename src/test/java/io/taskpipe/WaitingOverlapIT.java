package io.taskpipe;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.taskpipe.testing.KafkaBroker;
import io.taskpipe.testing.Pipeline;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Waiting work overlaps: 2,000 tasks that each wait 200 ms (400 s one by one) all finish within 30 s
 * on the IO lane's virtual threads.
 */
@QuarkusTest
@WithTestResource(KafkaBroker.class)
class WaitingOverlapIT {

    @Test
    void twoThousandSleepsFinishWithinThirtySeconds() throws Exception {
        try (Pipeline pipeline = new Pipeline()) {
            List<String> ids = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < 2000; i++) {
                String id = pipeline.id("sleep-" + i);
                ids.add(id);
                pipeline.send(pipeline.task(id, "io.sleep", "millis", 200));
            }
            Map<String, JsonNode> results = pipeline.awaitResults(ids, Duration.ofSeconds(30));
            double seconds = (System.nanoTime() - start) / 1e9;

            assertThat(results).hasSize(2000);
            assertThat(results.values()).allSatisfy(r -> {
                assertThat(r.get("status").asText()).isEqualTo("SUCCEEDED");
                assertThat(r.at("/worker/virtual").asBoolean()).isTrue();
            });
            long distinctThreads = results.values().stream().map(r -> r.at("/worker/thread").asText()).distinct().count();
            System.out.printf("2000 x io.sleep(200 ms): %.1f s (one by one: 400 s), %d distinct virtual threads%n", seconds, distinctThreads);
            assertThat(distinctThreads).as("the sleeps ran on many threads at once").isGreaterThan(100);
        }
    }
}
