package io.taskpipe.topology;

import io.taskpipe.check.Produced;
import io.taskpipe.kafka.TopicReader;
import io.taskpipe.contract.TaskJson;
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
        reader = new TopicReader(topology.kafka(), List.of(topology.names().results(), topology.names().dlq()), TopicReader.From.BEGINNING)
                .follow("outcomes", this::record);
    }

    /** The id in a result ({@code taskId}) or a dead letter's task ({@code id}, read even from a cut letter). */
    private void record(ConsumerRecord<String, byte[]> record) {
        String id = TaskJson.peekText(record.value(), "taskId");
        id = id != null ? id : TaskJson.peekText(record.value(), "id");
        if (id != null) {
            ended.add(id);
            lastResult = Instant.now();
        }
    }

    /** Waits until every produced task has a result or a dead letter. */
    public void awaitAll(Collection<Produced> produced, Duration timeout) {
        await("all tasks ended").atMost(timeout).pollInterval(Duration.ofMillis(250))
                .until(() -> produced.stream().allMatch(p -> ended.contains(p.taskId())));
    }

    /** Waits for {@code results} more tasks to end than have ended now. */
    public void awaitMore(int results) {
        int target = endedCount() + results;
        await(results + " more results").atMost(Duration.ofMinutes(2)).until(() -> endedCount() >= target);
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
