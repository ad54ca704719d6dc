package io.taskpipe.topology;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskpipe.contract.TaskJson;
import io.taskpipe.load.Scenario.MixEntry;

import java.util.List;

/**
 * The task mixes the topology and container tiers load their pipelines with, in the load tool's
 * scenario format: {@code MIXED} is, as a scenario file would write it,
 * <pre>
 * - {type: io.sleep,       weight: 4, params: {millis: {between: [0, 9]}}}
 * - {type: file.read,      weight: 2, params: {path: topology.txt}}
 * - {type: compute.sum,    weight: 3, params: {n: {between: [0, 1999999]}}}
 * - {type: compute.primes, weight: 1, params: {below: {between: [1000, 100999]}}}
 * </pre>
 */
public final class Mixes {

    /** Waiting and computing work, mixed: sleeps, file reads, sums and sieves. */
    public static final List<MixEntry> MIXED = List.of(
            entry("io.sleep", 4, "millis", between(0, 9)),
            entry("file.read", 2, "path", "topology.txt"),
            entry("compute.sum", 3, "n", between(0, 1_999_999)),
            entry("compute.primes", 1, "below", between(1_000, 100_999)));

    /** Computing work only: the cpu-workers carry the whole run. */
    public static final List<MixEntry> CPU = List.of(
            entry("compute.sum", 1, "n", between(1_000_000, 4_999_999)),
            entry("compute.primes", 1, "below", between(50_000, 199_999)));

    /** Computing work of 3 to 15 ms a task here, so a killed worker is likely to die in the middle of one. */
    public static final List<MixEntry> CPU_HEAVY = List.of(entry("compute.sum", 1, "n", between(10_000_000, 49_999_999)));

    private Mixes() {
    }

    /** Tasks of {@code type} drawn with {@code weight}, with one parameter (a value, or a {@link #between range}). */
    public static MixEntry entry(String type, double weight, String param, Object value) {
        return new MixEntry(type, weight, params(param, value), null);
    }

    /** One task of {@code type} with one parameter, and a deadline. */
    public static MixEntry task(String type, String param, Object value, long timeoutMs) {
        MixEntry entry = entry(type, 1, param, value);
        return new MixEntry(type, 1.0, entry.params(), timeoutMs);
    }

    /** One task of {@code type} without parameters. */
    public static MixEntry task(String type) {
        return new MixEntry(type, 1.0, params(), null);
    }

    /** Parameters: names and values alternating. */
    public static ObjectNode params(Object... namesAndValues) {
        ObjectNode params = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            params.set((String) namesAndValues[i], TaskJson.MAPPER.valueToTree(namesAndValues[i + 1]));
        }
        return params;
    }

    /** A parameter drawn per task from {@code low} to {@code high}, both included: {@code {between: [low, high]}}. */
    public static ObjectNode between(long low, long high) {
        ObjectNode range = JsonNodeFactory.instance.objectNode();
        range.putArray("between").add(low).add(high);
        return range;
    }
}
