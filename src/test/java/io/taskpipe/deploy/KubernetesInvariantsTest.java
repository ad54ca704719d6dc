package io.taskpipe.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** The checker catches each invariant broken on purpose in a copy of the rendered Strimzi overlay. */
class KubernetesInvariantsTest {

    private static List<JsonNode> strimzi;

    @BeforeAll
    static void render() {
        strimzi = Manifests.kustomize(Path.of("k8s", "overlays", "strimzi"));
        assertThat(KubernetesInvariants.check(strimzi)).as("the overlay as shipped").isEmpty();
    }

    /** The findings after {@code breaking} changed a copy of the overlay's {@code kind/name}. */
    private static List<String> findingsAfter(String kind, String name, Consumer<ObjectNode> breaking) {
        return findingsAfter(strimzi, kind, name, breaking);
    }

    private static List<String> findingsAfter(List<JsonNode> overlay, String kind, String name, Consumer<ObjectNode> breaking) {
        List<JsonNode> copy = overlay.stream().<JsonNode>map(JsonNode::deepCopy).toList();
        breaking.accept((ObjectNode) Manifests.named(copy, kind, name));
        return KubernetesInvariants.check(copy);
    }

    private static ObjectNode container(ObjectNode deployment) {
        return (ObjectNode) deployment.path("spec").path("template").path("spec").path("containers").path(0);
    }

    private static ObjectNode trigger(ObjectNode scaledObject) {
        return (ObjectNode) scaledObject.path("spec").path("triggers").path(0).path("metadata");
    }

    @Test
    void aScaledObjectWatchingAnotherConsumerGroup() {
        assertThat(findingsAfter("ScaledObject", "taskpipe-cpu-worker", s -> trigger(s).put("consumerGroup", "taskpipe-workers")))
                .containsExactly("ScaledObject of taskpipe-cpu-worker: consumerGroup is taskpipe-workers, the pods use taskpipe-cpu-worker");
    }

    @Test
    void aScaledObjectWatchingAnotherTopic() {
        assertThat(findingsAfter("ScaledObject", "taskpipe-dispatcher", s -> trigger(s).put("topic", "tasks")))
                .containsExactly("ScaledObject of taskpipe-dispatcher: topic is tasks, the pods use taskpipe.tasks");
    }

    @Test
    void moreReplicasThanPartitions() {
        assertThat(findingsAfter("ScaledObject", "taskpipe-cpu-worker", s -> ((ObjectNode) s.path("spec")).put("maxReplicaCount", 12)))
                .containsExactly("ScaledObject of taskpipe-cpu-worker: maxReplicaCount 12 exceeds the 8 partitions of taskpipe.tasks.cpu");
    }

    @Test
    void fewerPartitionsThanReplicas() {
        assertThat(findingsAfter("KafkaTopic", "taskpipe-tasks", t -> ((ObjectNode) t.path("spec")).put("partitions", 4)))
                .containsExactly("ScaledObject of taskpipe-dispatcher: maxReplicaCount 8 exceeds the 4 partitions of taskpipe.tasks");
    }

    @Test
    void kedaOnOtherBrokersThanThePods() {
        assertThat(findingsAfter("ScaledObject", "taskpipe-dispatcher", s -> trigger(s).put("bootstrapServers", "kafka:9092")))
                .containsExactly("ScaledObject of taskpipe-dispatcher: bootstrapServers is kafka:9092, the pods use taskpipe-kafka-bootstrap:9093");
    }

    @Test
    void aMissingProbe() {
        assertThat(findingsAfter("Deployment", "taskpipe-dispatcher", d -> container(d).remove("readinessProbe")))
                .containsExactly("Deployment taskpipe-dispatcher: readinessProbe must be an HTTP GET of /q/health/ready, is null");
    }

    @Test
    void aMissingLimit() {
        assertThat(findingsAfter("Deployment", "taskpipe-dispatcher", d -> ((ObjectNode) container(d).path("resources").path("limits")).remove("memory")))
                .containsExactly("Deployment taskpipe-dispatcher: no memory in resources.limits");
    }

    @Test
    void aCpuWorkerWhoseRequestsAreBelowItsLimits() {
        assertThat(findingsAfter("Deployment", "taskpipe-cpu-worker", d -> ((ObjectNode) container(d).path("resources").path("requests")).put("cpu", "500m")))
                .singleElement().asString().startsWith("Deployment taskpipe-cpu-worker: a cpu-worker's requests must equal its limits");
    }

    @Test
    void aCpuWorkerWithFixedSlots() {
        assertThat(findingsAfter("Deployment", "taskpipe-cpu-worker", d -> env(d, "TASKPIPE_LANES_CPU_SLOTS", "4")))
                .containsExactly("Deployment taskpipe-cpu-worker: TASKPIPE_LANES_CPU_SLOTS is set; slots must follow the CPU limit");
    }

    @Test
    void aMisspelledEnvironmentVariable() {
        assertThat(findingsAfter("Deployment", "taskpipe-dispatcher", d -> env(d, "TASKPIPE_LANES_IO_MAX_INFLIGHT", "2000")))
                .containsExactly("Deployment taskpipe-dispatcher: environment variable TASKPIPE_LANES_IO_MAX_INFLIGHT maps to no configuration key");
    }

    @Test
    void aTerminationGraceShorterThanTheDrain() {
        assertThat(findingsAfter("Deployment", "taskpipe-cpu-worker",
                d -> ((ObjectNode) d.path("spec").path("template").path("spec")).put("terminationGracePeriodSeconds", 30)))
                .containsExactly("Deployment taskpipe-cpu-worker: terminationGracePeriodSeconds 30 must exceed shutdown-grace 70 s + 20 s to commit and flush");
    }

    @Test
    void aDrainShorterThanTheLongestTask() {
        assertThat(findingsAfter("Deployment", "taskpipe-dispatcher", d -> env(d, "TASKPIPE_TASKS_MAX_TIMEOUT", "5m")))
                .containsExactly("Deployment taskpipe-dispatcher: the drain (shutdown-grace 70 s) is shorter than the longest task (310 s = max-timeout + cancel-grace)");
    }

    @Test
    void aDisruptionBudgetSelectingNoPods() {
        assertThat(findingsAfter("PodDisruptionBudget", "taskpipe-cpu-worker",
                p -> ((ObjectNode) p.path("spec").path("selector").path("matchLabels")).put("app.kubernetes.io/component", "worker")))
                .containsExactlyInAnyOrder("Deployment taskpipe-cpu-worker: 0 PodDisruptionBudgets select its pods, expected 1",
                        "PodDisruptionBudget taskpipe-cpu-worker selects no Deployment's pods");
    }

    @Test
    void aTopicWithoutItsKafkaTopic() {
        List<JsonNode> copy = strimzi.stream().filter(d -> !"taskpipe-dlq".equals(d.path("metadata").path("name").asText())).toList();
        assertThat(KubernetesInvariants.check(copy)).containsExactly("no KafkaTopic for taskpipe.dlq");
    }

    @Test
    void aUserAllowedMoreThanItsRole() {
        assertThat(findingsAfter("KafkaUser", "taskpipe-producer", u -> ((ObjectNode) u.path("spec").path("authorization").path("acls").path(0))
                .putArray("operations").add("Write").add("Read")))
                .containsExactly("KafkaUser taskpipe-producer allows more than KafkaAcls gives PRODUCER: [Read on Topic taskpipe.tasks]");
    }

    @Test
    void aUserLackingWhatItsRoleNeeds() {
        assertThat(findingsAfter("KafkaUser", "taskpipe-dispatcher", u -> ((ArrayNode) u.path("spec").path("authorization").path("acls")).remove(2)))
                .containsExactly("KafkaUser taskpipe-dispatcher lacks what KafkaAcls gives DISPATCHER: [Write on TransactionalId taskpipe-api-*]");
    }

    @Test
    void aCpuWorkerConnectingAsTheDispatcher() {
        assertThat(findingsAfter("Deployment", "taskpipe-cpu-worker", d -> {
            for (JsonNode variable : container(d).path("env")) {
                if ("KAFKA_SASL_JAAS_CONFIG".equals(variable.path("name").asText())) {
                    ((ObjectNode) variable.path("valueFrom").path("secretKeyRef")).put("name", "taskpipe-dispatcher");
                }
            }
        })).containsExactly("Deployment taskpipe-cpu-worker: KAFKA_SASL_JAAS_CONFIG must come from the Secret taskpipe-cpu-worker"
                + " (the CPU_WORKER role's KafkaUser), comes from taskpipe-dispatcher");
    }

    /** Sets (or adds) an environment variable of the Deployment's container. */
    private static void env(ObjectNode deployment, String name, String value) {
        ArrayNode env = (ArrayNode) container(deployment).path("env");
        for (JsonNode variable : env) {
            if (name.equals(variable.path("name").asText())) {
                ((ObjectNode) variable).put("value", value);
                return;
            }
        }
        env.addObject().put("name", name).put("value", value);
    }

    @Test
    void theShareGroupOverlayHoldsAndItsBacklogScalerAndUsersAreChecked() {
        List<JsonNode> share = Manifests.kustomize(Path.of("k8s", "overlays", "strimzi-share"));
        assertThat(KubernetesInvariants.check(share)).as("the share-group overlay as shipped").isEmpty();
        assertThat(findingsAfter(share, "ScaledObject", "taskpipe-cpu-worker", s -> trigger(s).put("valueLocation", "taskpipe_lane_queued")))
                .containsExactly("ScaledObject of taskpipe-cpu-worker: valueLocation is taskpipe_lane_queued, the pods use taskpipe_cpu_share_backlog");
        assertThat(findingsAfter(share, "ScaledObject", "taskpipe-cpu-worker", s -> ((ObjectNode) s.path("spec")).put("maxReplicaCount", 500)))
                .containsExactly("ScaledObject of taskpipe-cpu-worker: maxReplicaCount 500 exceeds the 200 members a share group may have (group.share.max.size)");
        assertThat(findingsAfter(share, "KafkaUser", "taskpipe-cpu-worker",
                u -> ((ArrayNode) u.path("spec").path("authorization").path("acls")).remove(2)))
                .singleElement().asString().contains("taskpipe-cpu-worker", "DescribeConfigs", "Cluster");
    }
}
