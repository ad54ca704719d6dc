package io.taskpipe.kafka;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lanes' clients keep the settings their guarantees rest on, whatever {@code kafka.*} says, and
 * take the rest from it: the exact settings, key by key, as the lanes were built with them before
 * {@link ClientSettings} existed.
 */
class KafkaClientsTest {

    private static final String PID = Long.toString(ProcessHandle.current().pid());

    /** What an operator might set under {@code kafka.*}: tuning to keep, delivery settings to override. */
    private static final Map<String, Object> CONFIGURED = Map.of(
            "bootstrap.servers", "elsewhere:9092",
            "security.protocol", "PLAINTEXT",
            "linger.ms", "7",
            "session.timeout.ms", "6000",
            "acks", "1",
            "enable.auto.commit", "true",
            "group.id", "someone-elses");

    private final KafkaClients clients = new KafkaClients(CONFIGURED, "broker:9092");

    @Test
    void theProducerIsDurableAndKeepsTheOperatorsTuning() {
        Map<String, Object> expected = new HashMap<>(CONFIGURED);
        expected.putAll(Map.of(
                "bootstrap.servers", "broker:9092",
                "client.id", "taskpipe-" + PID,
                "acks", "all",
                "enable.idempotence", "true",
                "key.serializer", "org.apache.kafka.common.serialization.StringSerializer",
                "value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer"));
        assertThat(clients.producerSettings("taskpipe")).isEqualTo(expected);
        assertThat(new KafkaClients(Map.of(), "broker:9092").producerSettings("p")).containsEntry("linger.ms", "1");
    }

    @Test
    void theConsumerCommitsByHandInItsOwnGroupAndKeepsTheOperatorsTuning() {
        Map<String, Object> expected = new HashMap<>(CONFIGURED);
        expected.putAll(Map.of(
                "bootstrap.servers", "broker:9092",
                "heartbeat.interval.ms", "500",
                "partition.assignment.strategy", "org.apache.kafka.clients.consumer.CooperativeStickyAssignor",
                "group.id", "taskpipe-dispatcher",
                "client.id", "taskpipe-dispatcher-" + PID,
                "enable.auto.commit", "false",
                "auto.offset.reset", "earliest",
                "max.poll.records", "500",
                "group.instance.id", "dispatcher-1"));
        expected.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
        expected.put("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
        expected.put("isolation.level", "read_committed"); // a REST batch is seen whole or not at all
        assertThat(clients.consumerSettings("taskpipe-dispatcher", 2_000, Optional.of("dispatcher-1"))).isEqualTo(expected);

        Map<String, Object> defaults = new KafkaClients(Map.of(), "broker:9092").consumerSettings("g", 0, Optional.empty());
        assertThat(defaults).containsEntry("session.timeout.ms", "10000").containsEntry("max.poll.records", "1")
                .doesNotContainKey("group.instance.id");
    }

    @Test
    void withTheConsumerGroupProtocolTheBrokersSettingsAreLeftToTheBroker() {
        Map<String, Object> settings = new KafkaClients(Map.of("group.protocol", "consumer"), "localhost:9")
                .consumerSettings("g", 10, Optional.of("worker-1"));
        assertThat(settings).containsEntry("group.protocol", "consumer")
                .doesNotContainKeys("session.timeout.ms", "heartbeat.interval.ms", "partition.assignment.strategy");
        new KafkaConsumer<>(settings).close(); // the client refuses those settings with this protocol
    }
}
