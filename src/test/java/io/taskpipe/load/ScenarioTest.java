package io.taskpipe.load;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        TaskFactory first = new TaskFactory(scenario, "run", "http://pipeline");
        TaskFactory second = new TaskFactory(scenario, "run", "http://pipeline");
        java.util.Map<String, Long> lastSeq = new java.util.HashMap<>();
        for (int i = 0; i < 200; i++) {
            TaskFactory.Made a = first.next(java.time.Instant.EPOCH);
            TaskFactory.Made b = second.next(java.time.Instant.EPOCH);
            assertThat(a).isEqualTo(b);
            assertThat(a.task().seq()).isEqualTo(lastSeq.getOrDefault(a.key(), 0L) + 1);
            lastSeq.put(a.key(), a.task().seq());
            if (a.task().type().equals("url.fetch")) {
                assertThat(a.task().params().get("url").asText()).isEqualTo("http://pipeline/q/health/live");
            }
        }
        assertThat(lastSeq).hasSizeLessThanOrEqualTo(scenario.keys());
    }

    private static Path write(Path dir, String text) throws IOException {
        return Files.writeString(dir.resolve("scenario.yaml"), text);
    }
}
