package io.taskpipe.kafka;

import io.taskpipe.testing.KafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The one topic reader of the tools and tests, on a real broker: where it starts, and both ways of reading. */
class TopicReaderIT {

    private final Map<String, Object> kafka = ClientSettings.bootstrap(KafkaBroker.broker().bootstrapServers()).toMap();

    @Test
    void readingToTheEndReadsEveryPartitionFromTheBeginningAndNothingFromTheEnd() throws Exception {
        String topic = topicWith("a", 30);
        assertThat(readToEnd(topic, TopicReader.From.BEGINNING)).hasSize(30).allMatch(v -> v.startsWith("a-"));
        assertThat(readToEnd(topic, TopicReader.From.END)).isEmpty();
    }

    @Test
    void followingFromTheEndSeesWhatIsProducedOnceTheReaderWasMadeAndNothingBefore() throws Exception {
        String topic = topicWith("before", 10);
        List<String> followed = new CopyOnWriteArrayList<>();
        try (TopicReader reader = new TopicReader(kafka, List.of(topic), TopicReader.From.END)) {
            send(topic, "after", 5); // before the first poll: the starting point was fixed when the reader was made
            reader.follow("test-follower", record -> followed.add(value(record)));
            send(topic, "later", 5);
            await().atMost(Duration.ofSeconds(30)).until(() -> followed.size() >= 10);
        }
        assertThat(followed).hasSize(10).noneMatch(v -> v.startsWith("before-"));
    }

    private List<String> readToEnd(String topic, TopicReader.From from) {
        List<String> read = new ArrayList<>();
        try (TopicReader reader = new TopicReader(kafka, List.of(topic), from)) {
            reader.readToEnd(record -> read.add(value(record)));
        }
        return read;
    }

    /** A new topic of 3 partitions holding {@code count} records. */
    private String topicWith(String prefix, int count) throws Exception {
        String topic = "topic-reader-" + UUID.randomUUID();
        try (Admin admin = Admin.create(kafka)) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
        }
        send(topic, prefix, count);
        return topic;
    }

    private void send(String topic, String prefix, int count) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(ClientSettings.from(kafka).durableProducer().toMap())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, "key-" + i, (prefix + "-" + i).getBytes(StandardCharsets.UTF_8)));
            }
        }
    }

    private static String value(ConsumerRecord<String, byte[]> record) {
        return new String(record.value(), StandardCharsets.UTF_8);
    }
}
