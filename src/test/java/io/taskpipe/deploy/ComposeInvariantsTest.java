package io.taskpipe.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** The compose checker catches invariants broken on purpose in a copy of compose/compose.yaml. */
class ComposeInvariantsTest {

    private static java.util.List<String> findingsAfter(Consumer<ObjectNode> breaking) throws IOException {
        JsonNode compose = DeploymentFilesTest.compose().deepCopy();
        breaking.accept((ObjectNode) compose.path("services"));
        return ComposeInvariants.check(compose, DeploymentFilesTest.prometheus(), DeploymentFilesTest.dashboard());
    }

    private static ObjectNode env(ObjectNode services, String service) {
        return (ObjectNode) services.path(service).path("environment");
    }

    @Test
    void aTopicTheTopicsServiceDoesNotCreate() throws IOException {
        assertThat(findingsAfter(s -> env(s, "cpu-worker").put("TASKPIPE_TOPICS_CPU_TASKS", "cpu-tasks")))
                .containsExactly("service cpu-worker uses topic cpu-tasks with 8 partitions; the topics service creates no such topic");
    }

    @Test
    void partitionsOtherThanTheAppsOwn() throws IOException {
        assertThat(findingsAfter(s -> env(s, "topics").put("TOPICS", "taskpipe.tasks:4 taskpipe.tasks.cpu:8 taskpipe.results:8 taskpipe.dlq:1 taskpipe.workers:1")))
                .containsExactly("service dispatcher uses topic taskpipe.tasks with 8 partitions; the topics service creates 4 partitions",
                        "service cpu-worker uses topic taskpipe.tasks with 8 partitions; the topics service creates 4 partitions");
    }

    @Test
    void aBootstrapAddressTheBrokerDoesNotAdvertise() throws IOException {
        assertThat(findingsAfter(s -> env(s, "dispatcher").put("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092")))
                .singleElement().asString().startsWith("service dispatcher: KAFKA_BOOTSTRAP_SERVERS kafka:9092 is not a listener the kafka service advertises");
    }

    @Test
    void aMisspelledEnvironmentVariable() throws IOException {
        assertThat(findingsAfter(s -> env(s, "cpu-worker").put("TASKPIPE_LANE_CPU_ORDERING", "NONE")))
                .containsExactly("service cpu-worker: environment variable TASKPIPE_LANE_CPU_ORDERING maps to no configuration key");
    }

    @Test
    void aStopGraceShorterThanTheDrain() throws IOException {
        assertThat(findingsAfter(s -> ((ObjectNode) s.path("cpu-worker")).put("stop_grace_period", "30s")))
                .containsExactly("service cpu-worker: stop_grace_period 30 s must exceed shutdown-grace 70 s + 20 s");
    }

    @Test
    void aCpuWorkerWithoutCpuLimit() throws IOException {
        assertThat(findingsAfter(s -> ((ObjectNode) s.path("cpu-worker")).remove("deploy")))
                .containsExactly("service cpu-worker: a cpu-worker needs a CPU limit (deploy.resources.limits.cpus): its slots follow it");
    }
}
