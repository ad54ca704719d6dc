package io.taskpipe;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.taskpipe.embedded.LocalWorkers;
import io.taskpipe.kafka.ClientSettings;
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
 * The all-in-one mode is ready while it can process: its cpu-worker child says it is ready itself (its
 * lane warmed up and joined). Killed, the child leaves a static member behind; the child restarted under
 * its instance id takes that member's place, client id included, once it has started and joined, and not
 * before: readiness must wait for that, which the member's id (new on each join) shows.
 */
@QuarkusTest
@WithTestResource(KafkaBroker.class)
class LocalWorkersReadinessIT {

    private static final String GROUP = "taskpipe-cpu-worker";
    private static final String INSTANCE = "cpu-worker-1-of-" + ProcessHandle.current().pid();
    private static final String DATA = "body.checks.find { it.name == 'taskpipe-local-workers' }.data.'cpu-worker-1'";

    @Inject
    LocalWorkers localWorkers;

    @Test
    void readyWhileTheChildCanProcessNotWhileItIsAwayOrRejoining() throws Exception {
        await().atMost(Duration.ofSeconds(90)).until(() -> readiness().getInt("statusCode") == 200);
        long child = localWorkers.pids().getFirst();
        assertThat(readiness().getString(DATA)).isEqualTo("pid " + child + ": ready");
        String memberBefore = memberId();

        ProcessHandle.of(child).orElseThrow().destroyForcibly();
        await("not ready while the child is away").atMost(Duration.ofSeconds(10)).until(() -> readiness().getInt("statusCode") == 503);
        await("ready again once the restarted child joined").atMost(Duration.ofSeconds(90))
                .until(() -> readiness().getInt("statusCode") == 200);
        assertThat(memberId()).as("the restarted child has joined in its predecessor's place by the time readiness says so")
                .isNotEqualTo(memberBefore);
        long restarted = localWorkers.pids().getFirst();
        assertThat(restarted).isNotEqualTo(child);
        assertThat(readiness().getString(DATA)).isEqualTo("pid " + restarted + ": ready");

        try (Pipeline pipeline = new Pipeline()) {
            String id = pipeline.id("after-restart");
            pipeline.send(pipeline.task(id, "compute.sum", "n", 1000));
            assertThat(pipeline.awaitResults(List.of(id), Duration.ofSeconds(30)).get(id).at("/worker/pid").asLong()).isEqualTo(restarted);
        }
    }

    /** The member id the group gives the child's static instance: new each time a process joins under it. */
    private static String memberId() throws Exception {
        try (Admin admin = Admin.create(ClientSettings.bootstrap(KafkaBroker.broker().bootstrapServers()).toMap())) {
            return admin.describeConsumerGroups(List.of(GROUP)).describedGroups().get(GROUP).get(10, TimeUnit.SECONDS)
                    .members().stream().filter(m -> m.groupInstanceId().filter(INSTANCE::equals).isPresent())
                    .map(MemberDescription::consumerId).findFirst().orElse("none");
        }
    }

    /** The readiness endpoint's status and body, as one JSON document. */
    private static JsonPath readiness() {
        var response = given().get("/q/health/ready");
        return JsonPath.from("{\"statusCode\":" + response.statusCode() + ",\"body\":" + response.body().asString() + "}");
    }
}
