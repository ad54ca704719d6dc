package io.taskpipe.topology;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskpipe.check.Produced;
import io.taskpipe.testing.Pipeline;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.awaitility.Awaitility.await;

/** Watches a scenario's results and dead letters while it runs: which tasks have ended, and when results last arrived. */
public final class Outcomes implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    private final Set<String> ended = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Instant lastResult = Instant.now();

    public Outcomes(Topology topology) {
        consumer = new KafkaConsumer<>(Map.of(
                "bootstrap.servers", topology.bootstrap(),
                "key.deserializer", StringDeserializer.class.getName(),
                "value.deserializer", ByteArrayDeserializer.class.getName()));
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(topology.resultsTopic(), topology.dlqTopic())) {
            consumer.partitionsFor(topic, Duration.ofSeconds(60)).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread = Thread.ofPlatform().name("outcomes").start(this::poll);
    }

    private void poll() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    JsonNode id = taskId(record.value());
                    if (id != null && id.isTextual()) {
                        ended.add(id.asText());
                        lastResult = Instant.now();
                    }
                }
            }
        } finally {
            consumer.close();
        }
    }

    /** The id in a result ({@code taskId}) or a dead letter's task ({@code id}); null when unreadable. */
    private static JsonNode taskId(byte[] value) {
        try {
            JsonNode node = Pipeline.parse(value);
            return node.has("taskId") ? node.get("taskId") : node.get("id");
        } catch (RuntimeException e) {
            return null; // a dead letter of bytes that were never JSON
        }
    }

    /** Waits until every produced task has a result or a dead letter. */
    public void awaitAll(Collection<Produced> produced, Duration timeout) {
        await("all tasks ended").atMost(timeout).pollInterval(Duration.ofMillis(250))
                .until(() -> produced.stream().allMatch(p -> ended.contains(p.taskId())));
    }

    public int endedCount() {
        return ended.size();
    }

    public Instant lastResult() {
        return lastResult;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5_000);
    }
}
