package io.taskpipe.kafka;

import io.taskpipe.config.TopicsConfig;
import io.taskpipe.kafka.Topics.Durability;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TopicsTest {

    /** Topic settings with only the replication ones given (null: unset). */
    private static TopicsConfig topics(Integer replicas, Integer minInsync) {
        return (TopicsConfig) Proxy.newProxyInstance(TopicsConfig.class.getClassLoader(), new Class<?>[] {TopicsConfig.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "replicationFactor" -> replicas == null ? OptionalInt.empty() : OptionalInt.of(replicas);
                    case "minInsyncReplicas" -> minInsync == null ? OptionalInt.empty() : OptionalInt.of(minInsync);
                    case "tasks" -> "t.tasks";
                    case "cpuTasks" -> "t.cpu";
                    case "results" -> "t.results";
                    case "dlq" -> "t.dlq";
                    case "workers" -> "t.workers";
                    case "partitions" -> 8;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void createdTopicsHaveThreeCopiesTwoOfThemInEveryWriteOrWhatASmallerClusterAllows() {
        assertThat(Durability.of(topics(null, null), 1)).isEqualTo(new Durability(1, 1));
        assertThat(Durability.of(topics(null, null), 2)).isEqualTo(new Durability(2, 1));
        assertThat(Durability.of(topics(null, null), 3)).isEqualTo(new Durability(3, 2));
        assertThat(Durability.of(topics(null, null), 9)).isEqualTo(new Durability(3, 2));
        assertThat(Durability.of(topics(5, 3), 9)).isEqualTo(new Durability(5, 3));
    }

    @Test
    void durabilityTheClusterCannotGiveStopsTheStart() {
        assertThatThrownBy(() -> Durability.of(topics(3, null), 1)).hasMessageContaining("the cluster has 1 broker");
        assertThatThrownBy(() -> Durability.of(topics(2, 3), 3)).hasMessageContaining("no write could ever be acknowledged");
    }

    @Test
    void acksAllThatMeansLessThanItLooksIsNamed() {
        assertThat(Durability.weakness(1, 1, 1)).isNull();
        assertThat(Durability.weakness(3, 2, 3)).isNull();
        assertThat(Durability.weakness(1, 1, 3)).contains("single replica");
        assertThat(Durability.weakness(3, 1, 3)).contains("min.insync.replicas=1");
    }

    @Test
    void bothRolesPublishHeartbeatsOnAShortLivedTopicOfOnePartition() {
        TopicsConfig topics = topics(null, null);
        assertThat(Topics.usedBy(true, topics)).contains("t.workers");
        assertThat(Topics.usedBy(false, topics)).contains("t.workers").doesNotContain("t.tasks");

        NewTopic heartbeats = Topics.newTopic("t.workers", topics, new Durability(3, 2));
        assertThat(heartbeats.numPartitions()).isEqualTo(1);
        assertThat(heartbeats.configs()).containsEntry("retention.ms", "3600000").containsEntry("min.insync.replicas", "2");
        NewTopic results = Topics.newTopic("t.results", topics, new Durability(3, 2));
        assertThat(results.numPartitions()).isEqualTo(8);
        assertThat(results.configs()).doesNotContainKey("retention.ms");
    }
}
