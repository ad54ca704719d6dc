package io.taskpipe.load;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.taskpipe.cli.Durations;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A load-test scenario, read from a YAML or JSON file (see {@code load-tests/scenarios/}).
 *
 * @param name        shown in reports; defaults to the file name
 * @param seed        makes the task mix, keys and parameter choices repeatable
 * @param keys        distinct ordering keys the tasks spread over (each key's tasks carry {@code seq}
 *                    1, 2, ...); 0 gives every task a key of its own
 * @param warmup      tasks whose intended send time falls in this first stretch are sent and checked, but
 *                    not counted in latency figures (a cold JIT is not the steady state)
 * @param phases      the open-loop arrival schedule, one phase after another
 * @param mix         task types with their weights and parameters
 * @param files       files created in the pipeline's base directory before the run, for {@code file.*} tasks
 */
@JsonIgnoreProperties(value = "$schema")
public record Scenario(String name, String description, Long seed, Integer keys, Duration warmup,
                       List<Phase> phases, List<MixEntry> mix, List<FileSpec> files) {

    /**
     * A stretch of the arrival schedule: a constant {@code rate} (tasks/s), or a ramp {@code from} →
     * {@code to}; lasting {@code duration} or {@code count} tasks. {@code rate: 0} with a count sends the
     * whole count at once (a burst).
     */
    public record Phase(Double rate, Double from, Double to, Duration duration, Long count) {

        /** {@code rate} tasks/s for {@code duration}. */
        public static Phase steady(double rate, Duration duration) {
            return new Phase(rate, null, null, duration, null);
        }

        /** {@code count} tasks at once. */
        public static Phase burst(long count) {
            return new Phase(0.0, null, null, null, count);
        }
    }

    /**
     * One kind of task in the mix, chosen with probability {@code weight} / total weight. A parameter
     * whose value is a list takes one of its elements at random per task (sizes, wait times); one of
     * {@code {between: [low, high]}} takes a whole number from low to high, both included.
     */
    public record MixEntry(String type, Double weight, ObjectNode params, Long timeoutMs) {
    }

    /** The field of a parameter drawn from a range: {@code {between: [1000000, 5000000]}}. */
    static final String BETWEEN = "between";

    /** A file of {@code bytes} random bytes named {@code name}, relative to the base directory. */
    public record FileSpec(String name, long bytes) {
    }

    private static final ObjectMapper YAML = configure(YAMLMapper.builder().build());
    private static final ObjectMapper JSON = configure(JsonMapper.builder().build());

    private static ObjectMapper configure(ObjectMapper mapper) {
        return mapper.registerModule(new SimpleModule().addDeserializer(Duration.class, new Durations.Deserializer()))
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /** Reads and checks a scenario file; errors name the file and the field. */
    public static Scenario load(Path file) {
        String fileName = file.getFileName().toString();
        ObjectMapper mapper = fileName.endsWith(".json") ? JSON : YAML;
        Scenario read;
        try {
            JsonNode tree = mapper.readTree(Files.readString(file));
            if (tree == null || !tree.isObject()) {
                throw new IllegalArgumentException(file + ": not a scenario (expected a mapping with phases and mix)");
            }
            read = mapper.treeToValue(tree, Scenario.class);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        return read.withDefaults(fileName.replaceFirst("\\.(ya?ml|json)$", "")).validated(file.toString());
    }

    private Scenario withDefaults(String defaultName) {
        return new Scenario(name != null ? name : defaultName, description != null ? description : "", seed != null ? seed : 1L,
                keys != null ? keys : 100, warmup != null ? warmup : Duration.ZERO, phases, mix, files != null ? files : List.of());
    }

    private Scenario validated(String source) {
        checkPhases(phases, source);
        checkMix(mix, source);
        require(keys >= 0, source, "keys must be 0 (a key per task) or more");
        require(!warmup.isNegative(), source, "warmup must not be negative");
        return this;
    }

    /** Checks an arrival schedule as a scenario file's {@code phases}; errors name {@code source} and the phase. */
    static void checkPhases(List<Phase> phases, String source) {
        require(phases != null && !phases.isEmpty(), source, "phases: at least one phase is needed");
        for (int i = 0; i < phases.size(); i++) {
            Phase p = phases.get(i);
            String at = "phases[" + i + "]: ";
            boolean constant = p.rate() != null;
            boolean ramp = p.from() != null && p.to() != null;
            require(constant != ramp, source, at + "give either rate, or from and to");
            require((p.duration() != null) != (p.count() != null), source, at + "give either duration or count");
            require(!constant || p.rate() >= 0, source, at + "rate must be 0 (all at once) or more");
            require(!ramp || p.from() >= 0 && p.to() >= 0 && p.from() + p.to() > 0, source, at + "from and to must be >= 0, not both 0");
            require(!ramp || p.duration() != null, source, at + "a ramp needs a duration");
            require(!constant || p.rate() > 0 || p.count() != null, source, at + "rate 0 (a burst) needs a count");
            require(p.count() == null || p.count() > 0, source, at + "count must be positive");
            require(p.duration() == null || !p.duration().isNegative() && !p.duration().isZero(), source, at + "duration must be positive");
        }
    }

    /** Checks task types as a scenario file's {@code mix}; errors name {@code source}, the entry and the parameter. */
    static void checkMix(List<MixEntry> mix, String source) {
        require(mix != null && !mix.isEmpty(), source, "mix: at least one task type is needed");
        for (int i = 0; i < mix.size(); i++) {
            MixEntry m = mix.get(i);
            String at = "mix[" + i + "]";
            require(m.type() != null && !m.type().isBlank(), source, at + ": type is missing");
            require(m.weight() == null || m.weight() > 0, source, at + ": weight must be positive");
            require(m.timeoutMs() == null || m.timeoutMs() > 0, source, at + ": timeoutMs must be positive");
            if (m.params() != null) {
                m.params().properties().forEach(p -> checkParam(p.getValue(), source, at + ".params." + p.getKey()));
            }
        }
    }

    private static void checkParam(JsonNode value, String source, String at) {
        if (value.isArray()) {
            require(!value.isEmpty(), source, at + ": a list to draw from needs at least one value");
            value.forEach(element -> checkParam(element, source, at));
        } else if (value.isObject() && value.has(BETWEEN)) {
            JsonNode bounds = value.get(BETWEEN);
            boolean wellFormed = value.size() == 1 && bounds.isArray() && bounds.size() == 2
                    && bounds.get(0).isIntegralNumber() && bounds.get(0).canConvertToLong()
                    && bounds.get(1).isIntegralNumber() && bounds.get(1).canConvertToLong();
            require(wellFormed, source, at + ": write a range as {between: [low, high]}, two whole numbers");
            require(bounds.get(0).asLong() <= bounds.get(1).asLong() && bounds.get(1).asLong() < Long.MAX_VALUE, source,
                    at + ": a range's low end must not be above its high end");
        }
    }

    /** Whether a (checked) parameter value is a range to draw from. */
    static boolean isRange(JsonNode value) {
        return value.isObject() && value.has(BETWEEN);
    }

    private static void require(boolean condition, String source, String message) {
        if (!condition) {
            throw new IllegalArgumentException(source + ": " + message);
        }
    }

    /** The same scenario with every rate multiplied by {@code factor} (counts and durations unchanged). */
    public Scenario withRates(double factor) {
        return new Scenario(name, description, seed, keys, warmup, phases.stream().map(p -> new Phase(
                p.rate() == null ? null : p.rate() * factor, p.from() == null ? null : p.from() * factor,
                p.to() == null ? null : p.to() * factor, p.duration(), p.count())).toList(), mix, files);
    }
}
