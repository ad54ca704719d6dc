package io.taskpipe.embedded;

import io.taskpipe.kafka.ClientSettings;
import io.taskpipe.kafka.ShareGroups;
import io.taskpipe.testing.KafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The embedded broker serves Kafka's share groups (KIP-932) as it comes: two share consumers of one
 * group read the same single partition at once, and a record handed back is delivered again with the
 * broker's delivery count raised, the count the CPU lane's share mode is to charge crashes with.
 */
class ShareGroupsIT {

    private final ClientSettings kafka = ClientSettings.bootstrap(KafkaBroker.broker().bootstrapServers());

    @Test
    void twoShareConsumersReadOnePartitionAndTheBrokerCountsDeliveries() throws Exception {
        String topic = "share-" + UUID.randomUUID();
        String group = shareGroupOn(topic, 1);
        publish(topic, List.of("a", "b"));
        try (KafkaShareConsumer<String, byte[]> first = shareConsumer(group, topic);
             KafkaShareConsumer<String, byte[]> second = shareConsumer(group, topic)) {
            ConsumerRecord<String, byte[]> firstHolds = pollOne(first);
            ConsumerRecord<String, byte[]> secondHolds = pollOne(second); // the first holds its record's lock meanwhile
            assertThat(List.of(firstHolds.key(), secondHolds.key())).containsExactlyInAnyOrder("a", "b");
            assertThat(firstHolds.deliveryCount()).contains((short) 1);

            first.acknowledge(firstHolds, AcknowledgeType.RELEASE);
            first.commitSync();
            second.acknowledge(secondHolds, AcknowledgeType.ACCEPT);
            second.commitSync();
            ConsumerRecord<String, byte[]> again = pollOne(second);
            assertThat(again.key()).isEqualTo(firstHolds.key());
            assertThat(again.deliveryCount()).contains((short) 2);
            second.acknowledge(again, AcknowledgeType.ACCEPT);
        }
    }

    @Test
    void theBacklogCountsWhatTheGroupHasNotFinishedFromBeforeItsFirstRead() throws Exception {
        String topic = "backlog-" + UUID.randomUUID();
        String group = shareGroupOn(topic, 3);
        publish(topic, IntStream.range(0, 30).mapToObj(i -> "key-" + i).toList());
        try (Admin admin = Admin.create(kafka.toMap())) {
            assertThat(ShareGroups.backlog(admin, group, topic)).as("before any worker read").isEqualTo(30);

            try (KafkaShareConsumer<String, byte[]> consumer = shareConsumer(group, topic)) {
                for (int i = 0; i < 12; i++) {
                    ConsumerRecord<String, byte[]> record = pollOne(consumer);
                    consumer.acknowledge(record, i < 10 ? AcknowledgeType.ACCEPT : AcknowledgeType.RELEASE);
                    consumer.commitSync();
                }
                // ten finished; the two released wait again with the eighteen never read
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(ShareGroups.backlog(admin, group, topic)).isEqualTo(20));
            }
        }
    }

    /**
     * A new topic, and a share group of it set as taskpipe sets its own (a new share group starts at the log's
     * end by default: records published before it joined would wait forever); returns the group's id.
     */
    private String shareGroupOn(String topic, int partitions) throws Exception {
        String group = topic + "-group";
        try (Admin admin = Admin.create(kafka.toMap())) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
            ShareGroups.configure(admin, group, Optional.empty());
        }
        return group;
    }

    private void publish(String topic, List<String> keys) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.durableProducer().toMap())) {
            for (String key : keys) {
                producer.send(new ProducerRecord<>(topic, key, key.getBytes())).get();
            }
        }
    }

    private KafkaShareConsumer<String, byte[]> shareConsumer(String group, String topic) {
        KafkaShareConsumer<String, byte[]> consumer = new KafkaShareConsumer<>(kafka.bytesConsumer()
                .set(ConsumerConfig.GROUP_ID_CONFIG, group)
                .set(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit")
                .set(ConsumerConfig.SHARE_ACQUIRE_MODE_CONFIG, "record_limit")
                .set(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1)
                .toMap());
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    /** Polls until the consumer acquires a record; it acquires one at most. */
    private static ConsumerRecord<String, byte[]> pollOne(KafkaShareConsumer<String, byte[]> consumer) {
        List<ConsumerRecord<String, byte[]>> acquired = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            consumer.poll(Duration.ofMillis(200)).forEach(acquired::add);
            return !acquired.isEmpty();
        });
        assertThat(acquired).hasSize(1);
        return acquired.getFirst();
    }
}
