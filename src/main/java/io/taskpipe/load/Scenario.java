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
    }

    /**
     * One kind of task in the mix, chosen with probability {@code weight} / total weight. A parameter
     * whose value is a list takes one of its elements at random per task (sizes, wait times).
     */
    public record MixEntry(String type, Double weight, ObjectNode params, Long timeoutMs) {
    }

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
        require(mix != null && !mix.isEmpty(), source, "mix: at least one task type is needed");
        for (int i = 0; i < mix.size(); i++) {
            MixEntry m = mix.get(i);
            require(m.type() != null && !m.type().isBlank(), source, "mix[" + i + "]: type is missing");
            require(m.weight() == null || m.weight() > 0, source, "mix[" + i + "]: weight must be positive");
        }
        require(keys >= 0, source, "keys must be 0 (a key per task) or more");
        return this;
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
