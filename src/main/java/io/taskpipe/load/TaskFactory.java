package io.taskpipe.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.taskpipe.contract.Task;
import io.taskpipe.load.Scenario.MixEntry;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Makes a scenario's tasks, one after another, the same ones for the same seed: the type drawn by
 * weight, the key drawn from the scenario's keys with a per-key {@code seq}, list-valued parameters
 * drawn from their lists, and {@code ${http}} in a string parameter replaced by the pipeline's HTTP
 * address (so a scenario can fetch from the pipeline it loads).
 */
final class TaskFactory {

    /** A task about to be sent. */
    record Made(Task task, String key) {
    }

    private final Scenario scenario;
    private final String runId;
    private final String httpBase;
    private final SplittableRandom random;
    private final double totalWeight;
    private final Map<String, Long> seqs = new HashMap<>();
    private long next;

    TaskFactory(Scenario scenario, String runId, String httpBase) {
        this.scenario = scenario;
        this.runId = runId;
        this.httpBase = httpBase;
        this.random = new SplittableRandom(scenario.seed());
        this.totalWeight = scenario.mix().stream().mapToDouble(TaskFactory::weight).sum();
    }

    /** The next task, created (by the producer's clock) at {@code createdAt}. */
    Made next(Instant createdAt) {
        String id = runId + "-" + next++;
        MixEntry entry = draw();
        String key = scenario.keys() == 0 ? id : runId + "-k" + random.nextInt(scenario.keys());
        long seq = seqs.merge(key, 1L, Long::sum);
        ObjectNode params = JsonNodeFactory.instance.objectNode();
        if (entry.params() != null) {
            entry.params().properties().forEach(field -> params.set(field.getKey(), choose(field.getValue())));
        }
        return new Made(new Task(null, id, entry.type(), key, seq, createdAt, entry.timeoutMs(), params), key);
    }

    private MixEntry draw() {
        double point = random.nextDouble() * totalWeight;
        for (MixEntry entry : scenario.mix()) {
            point -= weight(entry);
            if (point < 0) {
                return entry;
            }
        }
        return scenario.mix().getLast();
    }

    private JsonNode choose(JsonNode value) {
        JsonNode chosen = value.isArray() && !value.isEmpty() ? value.get(random.nextInt(value.size())) : value;
        if (chosen.isTextual() && chosen.asText().contains("${http}")) {
            if (httpBase == null) {
                throw new IllegalArgumentException("scenario " + scenario.name() + " uses ${http}: give --http-url");
            }
            return TextNode.valueOf(chosen.asText().replace("${http}", httpBase));
        }
        return chosen;
    }

    private static double weight(MixEntry entry) {
        return entry.weight() == null ? 1 : entry.weight();
    }
}
