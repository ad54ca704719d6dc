package io.taskpipe;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.taskpipe.testing.KafkaBroker;
import io.taskpipe.testing.Pipeline;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tasks published as CloudEvents in binary mode, with a plain Kafka producer, and their results and dead
 * letters read back with a plain consumer as CloudEvents: the task type as {@code ce_type} with params as
 * data (a CPU task, so the event crosses both lanes), an event of another type carrying a whole task, and
 * events taskpipe cannot take, each rejected with its reason and dead-lettered as an event of its own.
 */
@QuarkusTest
@WithTestResource(KafkaBroker.class)
class CloudEventsIT {

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void aTaskTypeAsCeTypeWithParamsAsDataRunsAndItsResultIsAnEvent() {
        String id = "ce-sum-" + RUN;
        String time = OffsetDateTime.now().minusSeconds(5).toString();
        publish(id, id, Map.of("ce_specversion", "1.0", "ce_id", id, "ce_source", "/billing", "ce_type", "compute.sum",
                "ce_time", time, "content-type", "application/json"), "{\"n\":1000}");
        ConsumerRecord<String, byte[]> result = awaitRecord("taskpipe.results", id);
        JsonNode json = Pipeline.parse(result.value());
        assertThat(json.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(json.at("/output/sum").asLong()).isEqualTo(499500);
        assertThat(json.get("lane").asText()).isEqualTo("CPU");
        assertThat(Instant.parse(json.at("/timing/createdAt").asText())).isEqualTo(OffsetDateTime.parse(time).toInstant());
        assertThat(header(result, "ce_specversion")).isEqualTo("1.0");
        assertThat(header(result, "ce_type")).isEqualTo("io.taskpipe.result.v1");
        assertThat(header(result, "ce_source")).isEqualTo("/taskpipe");
        assertThat(header(result, "ce_subject")).isEqualTo(id);
        assertThat(header(result, "ce_id")).isEqualTo(id + "/1/SUCCEEDED");
        assertThat(Instant.parse(header(result, "ce_time"))).isEqualTo(Instant.parse(json.at("/timing/finishedAt").asText()));
        assertThat(header(result, "content-type")).isEqualTo("application/json");
    }

    @Test
    void anEventOfAnotherTypeCarriesAWholeTaskWhoseIdItSupplies() {
        String id = "ce-order-" + RUN;
        publish(id, id, Map.of("ce_specversion", "1.0", "ce_id", id, "ce_source", "/shop", "ce_type", "com.example.order.created"),
                "{\"type\":\"io.sleep\",\"params\":{\"millis\":1}}");
        ConsumerRecord<String, byte[]> result = awaitRecord("taskpipe.results", id);
        assertThat(Pipeline.parse(result.value()).get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(Pipeline.parse(result.value()).get("lane").asText()).isEqualTo("IO");
    }

    @Test
    void eventsTaskpipeCannotTakeAreRejectedAndDeadLetteredAsEvents() {
        Map<String, Map<String, String>> bad = Map.of(
                "ce-old-spec-" + RUN, Map.of("ce_specversion", "0.3", "ce_type", "io.sleep"),
                "ce-bad-time-" + RUN, Map.of("ce_specversion", "1.0", "ce_type", "io.sleep", "ce_time", "yesterday"),
                "ce-other-id-" + RUN, Map.of("ce_specversion", "1.0", "ce_type", "com.example.thing"));
        List<String> ids = new ArrayList<>(bad.keySet());
        for (String id : ids) {
            Map<String, String> headers = new java.util.HashMap<>(bad.get(id));
            headers.put("ce_id", id);
            headers.put("ce_source", "/elsewhere");
            String data = id.startsWith("ce-other-id") ? "{\"id\":\"not-" + id + "\",\"type\":\"io.sleep\",\"params\":{\"millis\":1}}" : "{\"millis\":1}";
            publish(id, id, headers, data);
        }
        for (String id : ids) {
            JsonNode result = Pipeline.parse(awaitRecord("taskpipe.results", id).value());
            assertThat(result.get("status").asText()).as(id).isEqualTo("REJECTED");
            assertThat(result.at("/error/code").asText()).as(id).isEqualTo("INVALID_TASK");
            System.out.printf("%-28s %s%n", id.replace(RUN, ""), result.at("/error/message").asText());
            ConsumerRecord<String, byte[]> letter = awaitRecord("taskpipe.dlq", id);
            assertThat(header(letter, "ce_type")).isEqualTo("io.taskpipe.deadletter.v1");
            assertThat(header(letter, "ce_subject")).isEqualTo(id);
            assertThat(header(letter, "ce_source")).as("the original's attributes replaced").isEqualTo("/taskpipe");
            assertThat(letter.headers().headers("ce_id")).as("one id").hasSize(1);
        }
    }

    private static void publish(String key, String id, Map<String, String> headers, String value) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.broker().bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>("taskpipe.tasks", key, value.getBytes(StandardCharsets.UTF_8));
            headers.forEach((name, text) -> record.headers().add(name, text.getBytes(StandardCharsets.UTF_8)));
            producer.send(record);
        }
    }

    /** The record of {@code topic} whose {@code ce_subject} is {@code id}, read from the topic's start. */
    private static ConsumerRecord<String, byte[]> awaitRecord(String topic, String id) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.broker().bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
            await(id + " on " + topic).atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> {
                    if (id.equals(header(record, "ce_subject"))) {
                        found.add(record);
                    }
                });
                return !found.isEmpty();
            });
            return found.getFirst();
        }
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
