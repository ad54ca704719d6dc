package io.taskpipe;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.taskpipe.embedded.LocalWorkers;
import io.taskpipe.kafka.ClientSettings;
import io.taskpipe.kafka.KafkaClients;
import io.taskpipe.testing.KafkaBroker;
import io.taskpipe.testing.Pipeline;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The all-in-one mode is ready while it can process: its cpu-worker child is a member of the CPU lane's
 * group, as the broker sees it. Killed, the child leaves a static member behind for the length of its
 * session; readiness must not take that member for the child restarted in its place, which is not a
 * member until it has warmed up and joined.
 */
@QuarkusTest
@WithTestResource(KafkaBroker.class)
class LocalWorkersReadinessIT {

    private static final String GROUP = "taskpipe-cpu-worker";
    private static final String CHILD = "cpu-worker-1-of-" + ProcessHandle.current().pid();

    @Inject
    LocalWorkers localWorkers;

    @Test
    void readyWhileTheChildHoldsItsPartitionsNotWhileItIsAwayOrRejoining() throws Exception {
        await().atMost(Duration.ofSeconds(90)).until(() -> readiness().getInt("statusCode") == 200);
        long child = localWorkers.pids().getFirst();
        assertThat(readiness().getString("body.checks.find { it.name == 'taskpipe-local-workers' }.data.'" + CHILD + "'"))
                .isEqualTo("pid " + child + ": holds partitions [0, 1, 2, 3, 4, 5, 6, 7]");

        ProcessHandle.of(child).orElseThrow().destroyForcibly();
        await("not ready while the child is away").atMost(Duration.ofSeconds(10)).until(() -> readiness().getInt("statusCode") == 503);
        await("ready again once the restarted child joined").atMost(Duration.ofSeconds(90))
                .until(() -> readiness().getInt("statusCode") == 200);
        long restarted = localWorkers.pids().getFirst();
        assertThat(restarted).isNotEqualTo(child);
        assertThat(memberClients()).as("the restarted child itself is a member by the time readiness says so")
                .contains(KafkaClients.consumerClientId(GROUP, restarted));
        assertThat(readiness().getString("body.checks.find { it.name == 'taskpipe-local-workers' }.data.'" + CHILD + "'"))
                .startsWith("pid " + restarted + ": holds partitions");

        try (Pipeline pipeline = new Pipeline()) {
            String id = pipeline.id("after-restart");
            pipeline.send(pipeline.task(id, "compute.sum", "n", 1000));
            assertThat(pipeline.awaitResults(List.of(id), Duration.ofSeconds(30)).get(id).at("/worker/pid").asLong()).isEqualTo(restarted);
        }
    }

    private static List<String> memberClients() throws Exception {
        try (Admin admin = Admin.create(ClientSettings.bootstrap(KafkaBroker.broker().bootstrapServers()).toMap())) {
            return admin.describeConsumerGroups(List.of(GROUP)).describedGroups().get(GROUP).get(10, TimeUnit.SECONDS)
                    .members().stream().map(MemberDescription::clientId).toList();
        }
    }

    /** The readiness endpoint's status and body, as one JSON document. */
    private static JsonPath readiness() {
        var response = given().get("/q/health/ready");
        return JsonPath.from("{\"statusCode\":" + response.statusCode() + ",\"body\":" + response.body().asString() + "}");
    }
}
