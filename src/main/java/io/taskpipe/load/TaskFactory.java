package io.taskpipe.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.taskpipe.contract.Task;
import io.taskpipe.load.Scenario.MixEntry;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Makes a run's tasks, one after another, the same ones for the same seed: the type drawn from a mix
 * by weight, the key drawn from the run's keys with a per-key {@code seq} that goes on from one mix to
 * the next, parameters drawn from their lists and ranges, and {@code ${http}} in a string parameter
 * replaced by the pipeline's HTTP address (so a scenario can fetch from the pipeline it loads).
 */
final class TaskFactory {

    /** A task about to be sent. */
    record Made(Task task, String key) {
    }

    private final String runId;
    private final int keys;
    private final String httpBase;
    private final SplittableRandom random;
    private final Map<String, Long> seqs = new HashMap<>();
    private long next;

    /** Tasks with ids {@code runId-0}, {@code runId-1}, ... over {@code keys} keys (0: a key per task). */
    TaskFactory(String runId, long seed, int keys, String httpBase) {
        this.runId = runId;
        this.keys = keys;
        this.httpBase = httpBase;
        this.random = new SplittableRandom(seed);
    }

    /** The next task, one of {@code mix}, created (by the producer's clock) at {@code createdAt}. */
    Made next(List<MixEntry> mix, Instant createdAt) {
        String id = runId + "-" + next++;
        MixEntry entry = draw(mix);
        String key = keys == 0 ? id : runId + "-k" + random.nextInt(keys);
        long seq = seqs.merge(key, 1L, Long::sum);
        ObjectNode params = JsonNodeFactory.instance.objectNode();
        if (entry.params() != null) {
            entry.params().properties().forEach(field -> params.set(field.getKey(), choose(field.getValue())));
        }
        return new Made(new Task(null, id, entry.type(), key, seq, createdAt, entry.timeoutMs(), params), key);
    }

    private MixEntry draw(List<MixEntry> mix) {
        double point = random.nextDouble() * mix.stream().mapToDouble(TaskFactory::weight).sum();
        for (MixEntry entry : mix) {
            point -= weight(entry);
            if (point < 0) {
                return entry;
            }
        }
        return mix.getLast();
    }

    private JsonNode choose(JsonNode value) {
        if (value.isArray() && !value.isEmpty()) {
            return choose(value.get(random.nextInt(value.size())));
        }
        if (Scenario.isRange(value)) {
            JsonNode bounds = value.get(Scenario.BETWEEN);
            return LongNode.valueOf(random.nextLong(bounds.get(0).asLong(), bounds.get(1).asLong() + 1));
        }
        if (value.isTextual() && value.asText().contains("${http}")) {
            if (httpBase == null) {
                throw new IllegalArgumentException("the scenario fetches from ${http}: give --http-url");
            }
            return TextNode.valueOf(value.asText().replace("${http}", httpBase));
        }
        return value;
    }

    private static double weight(MixEntry entry) {
        return entry.weight() == null ? 1 : entry.weight();
    }
}
