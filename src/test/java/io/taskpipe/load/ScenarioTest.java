package io.taskpipe.load;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScenarioTest {

    @Test
    void everyShippedScenarioLoadsAndSchedulesTasks() throws IOException {
        List<Path> files;
        try (Stream<Path> listed = Files.list(Path.of("load-tests", "scenarios"))) {
            files = listed.sorted().toList();
        }
        assertThat(files.stream().map(f -> f.getFileName().toString()))
                .containsExactlyInAnyOrder("burst.yaml", "cpu-heavy.yaml", "io-heavy.yaml", "many-keys.yaml", "mixed.yaml", "smoke.yaml");
        for (Path file : files) {
            Scenario scenario = Scenario.load(file);
            assertThat(scenario.name()).isEqualTo(file.getFileName().toString().replace(".yaml", ""));
            assertThat(new Schedule(scenario.phases()).count()).as(scenario.name()).isPositive();
            assertThat(scenario.description()).isNotBlank();
        }
    }

    @Test
    void mistakesAreNamedWithTheirPlace(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> Scenario.load(write(dir, "phases:\n  - {rate: 10}\nmix:\n  - {type: io.sleep}\n")))
                .hasMessageContaining("phases[0]: give either duration or count");
        assertThatThrownBy(() -> Scenario.load(write(dir, "phases:\n  - {rate: 10, duration: 5 seconds}\nmix:\n  - {type: io.sleep}\n")))
                .hasMessageContaining("'5 seconds' is not a duration");
        assertThatThrownBy(() -> Scenario.load(write(dir, "phases:\n  - {rate: 10, duration: 5s}\nmix: []\n")))
                .hasMessageContaining("mix: at least one task type is needed");
        assertThatThrownBy(() -> Scenario.load(write(dir, "phases:\n  - {rate: 10, duration: 5s}\nmix:\n  - {type: io.sleep}\nrat: 3\n")))
                .hasMessageContaining("rat");
    }

    @Test
    void tasksAreRepeatableForASeedAndKeepAPerKeySequence() throws IOException {
        Scenario scenario = Scenario.load(Path.of("load-tests", "scenarios", "smoke.yaml"));
        TaskFactory first = new TaskFactory("run", scenario.seed(), scenario.keys(), "http://pipeline");
        TaskFactory second = new TaskFactory("run", scenario.seed(), scenario.keys(), "http://pipeline");
        Map<String, Long> lastSeq = new HashMap<>();
        for (int i = 0; i < 200; i++) {
            TaskFactory.Made a = first.next(scenario.mix(), Instant.EPOCH);
            TaskFactory.Made b = second.next(scenario.mix(), Instant.EPOCH);
            assertThat(a).isEqualTo(b);
            assertThat(a.task().seq()).isEqualTo(lastSeq.getOrDefault(a.key(), 0L) + 1);
            lastSeq.put(a.key(), a.task().seq());
            if (a.task().type().equals("url.fetch")) {
                assertThat(a.task().params().get("url").asText()).isEqualTo("http://pipeline/q/health/live");
            }
        }
        assertThat(lastSeq).hasSizeLessThanOrEqualTo(scenario.keys());
    }

    @Test
    void aRangeDrawsWholeNumbersFromItsLowToItsHighEnd(@TempDir Path dir) throws IOException {
        Scenario scenario = Scenario.load(write(dir, """
                phases:
                  - {rate: 0, count: 1}
                mix:
                  - {type: compute.sum, params: {n: {between: [1000000, 1000003]}}}
                """));
        TaskFactory factory = new TaskFactory("run", 1, 10, null);
        Set<Long> drawn = new TreeSet<>();
        for (int i = 0; i < 200; i++) {
            JsonNode n = factory.next(scenario.mix(), Instant.EPOCH).task().params().get("n");
            assertThat(n.isIntegralNumber()).isTrue();
            drawn.add(n.asLong());
        }
        assertThat(drawn).containsExactly(1_000_000L, 1_000_001L, 1_000_002L, 1_000_003L);
    }

    @Test
    void aRangeIsCheckedLikeTheRestOfTheFormat(@TempDir Path dir) throws IOException {
        String head = "phases:\n  - {rate: 10, duration: 5s}\nmix:\n  - {type: compute.sum, params: {n: ";
        assertThatThrownBy(() -> Scenario.load(write(dir, head + "{between: [5, 1]}}}\n")))
                .hasMessageContaining("mix[0].params.n: a range's low end must not be above its high end");
        assertThatThrownBy(() -> Scenario.load(write(dir, head + "{between: [1]}}}\n")))
                .hasMessageContaining("mix[0].params.n: write a range as {between: [low, high]}, two whole numbers");
        assertThatThrownBy(() -> Scenario.load(write(dir, head + "{between: [1, 2.5]}}}\n")))
                .hasMessageContaining("two whole numbers");
        assertThatThrownBy(() -> Scenario.load(write(dir, head + "{between: [1, 2], step: 1}}}\n")))
                .hasMessageContaining("two whole numbers");
        assertThatThrownBy(() -> Scenario.load(write(dir, head + "[]}}\n")))
                .hasMessageContaining("mix[0].params.n: a list to draw from needs at least one value");
    }

    @Test
    void theReadmesExampleScenarioLoads(@TempDir Path dir) throws IOException {
        String readme = Files.readString(Path.of("load-tests", "README.md"));
        int start = readme.indexOf("```yaml\n") + "```yaml\n".length();
        Scenario example = Scenario.load(write(dir, readme.substring(start, readme.indexOf("```", start))));
        assertThat(example.phases()).hasSize(4);
        assertThat(example.mix()).extracting(Scenario.MixEntry::type).contains("compute.sum");
    }

    private static Path write(Path dir, String text) throws IOException {
        return Files.writeString(dir.resolve("scenario.yaml"), text);
    }
}
