package io.taskpipe;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.taskpipe.embedded.LocalWorkers;
import io.taskpipe.testing.HttpStub;
import io.taskpipe.testing.KafkaBroker;
import io.taskpipe.testing.Pipeline;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * Deadlines end what hangs: a fetch from a server that never answers, a computation that would run
 * for hours, and one that ignores its cancellation (the test configuration gives it 2 s of grace,
 * then its worker restarts). Each ends TIMED_OUT near its deadline and the lanes work on.
 */
@QuarkusTest
@WithTestResource(KafkaBroker.class)
class DeadlinesIT {

    @Inject
    LocalWorkers localWorkers;

    @Test
    void hangingAndEndlessTasksTimeOutAndTheLanesRecover() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        try (HttpStub stub = new HttpStub(); Pipeline pipeline = new Pipeline()) {
            stub.on("/hang", exchange -> {
                try {
                    never.await(5, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            long workerBefore = localWorkers.pids().get(0);
            String hang = pipeline.id("hang");
            String endless = pipeline.id("endless");
            String spin = pipeline.id("spin");
            pipeline.send(pipeline.task(hang, "url.fetch", "url", stub.url("/hang")).put("timeoutMs", 2000));
            pipeline.send(pipeline.task(endless, "compute.sum", "n", 1_000_000_000_000L).put("timeoutMs", 2000));
            pipeline.send(pipeline.task(spin, "test.spin").put("timeoutMs", 1000));
            Map<String, JsonNode> results = pipeline.awaitResults(List.of(hang, endless, spin), Duration.ofSeconds(60));

            assertTimedOutNear(results.get(hang), 2000, 1500);
            assertTimedOutNear(results.get(endless), 2000, 1500);
            assertTimedOutNear(results.get(spin), 1000 + 2000, 1500);
            assertThat(results.get(spin).at("/error/message").asText()).contains("ignored its cancellation");

            await("the cpu-worker restarted").atMost(Duration.ofSeconds(60))
                    .until(() -> !localWorkers.pids().isEmpty() && localWorkers.pids().get(0) != workerBefore);
            List<String> after = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                after.add(pipeline.id("after-io-" + i));
                pipeline.send(pipeline.task(after.getLast(), "io.sleep", "millis", 10));
                after.add(pipeline.id("after-cpu-" + i));
                pipeline.send(pipeline.task(after.getLast(), "compute.sum", "n", 1_000_000));
            }
            Map<String, JsonNode> recovered = pipeline.awaitResults(after, Duration.ofSeconds(60));
            assertThat(recovered.values()).allSatisfy(r -> assertThat(r.get("status").asText()).isEqualTo("SUCCEEDED"));
            assertThat(recovered.get(pipeline.id("after-cpu-0")).at("/worker/pid").asLong()).isNotEqualTo(workerBefore);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    given().get("/q/metrics").then().body(org.hamcrest.Matchers.containsString("taskpipe_lane_running{lane=\"IO\"} 0.0")));
            given().get("/q/health").then().statusCode(200).body("status", equalTo("UP"));
        } finally {
            never.countDown();
        }
    }

    private static void assertTimedOutNear(JsonNode result, long deadlineMs, long slackMs) {
        assertThat(result.get("status").asText()).as(result.toString()).isEqualTo("TIMED_OUT");
        assertThat(result.at("/error/code").asText()).isEqualTo("DEADLINE_EXCEEDED");
        assertThat(result.at("/timing/serviceMs").asDouble()).isBetween((double) deadlineMs, (double) deadlineMs + slackMs);
    }
}
