package io.taskpipe.topology;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskpipe.check.Produced;
import io.taskpipe.kafka.TopicReader;
import io.taskpipe.testing.Pipeline;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.awaitility.Awaitility.await;

/** Watches a scenario's results and dead letters while it runs: which tasks have ended, and when results last arrived. */
public final class Outcomes implements AutoCloseable {

    private final Set<String> ended = ConcurrentHashMap.newKeySet();
    private final TopicReader reader;
    private volatile Instant lastResult = Instant.now();

    public Outcomes(Topology topology) {
        reader = new TopicReader(topology.kafka(), List.of(topology.resultsTopic(), topology.dlqTopic()), TopicReader.From.BEGINNING)
                .follow("outcomes", this::record);
    }

    private void record(ConsumerRecord<String, byte[]> record) {
        JsonNode id = taskId(record.value());
        if (id != null && id.isTextual()) {
            ended.add(id.asText());
            lastResult = Instant.now();
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
    public void close() {
        reader.close();
    }
}
