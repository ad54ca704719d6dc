package io.taskpipe.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskpipe.contract.TaskJson;
import io.taskpipe.testing.Scripts;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The benchmark suite cannot rot: {@code load-tests/bench.sh --smoke} runs every arm for a moment and
 * must report every goal with a number. Its figures are not judged here: a smoke run measures nothing.
 */
class BenchSmokeIT {

    @Test
    void everyArmRunsAndEveryGoalIsReported() throws IOException, InterruptedException {
        Path out = Path.of("target", "bench-smoke");
        Files.createDirectories(out);
        String output = Scripts.run(Duration.ofMinutes(12), Path.of("target", "bench-smoke-console.txt"),
                "load-tests/bench.sh", "--smoke", "--out", out.toString());

        JsonNode results = TaskJson.MAPPER.readTree(out.resolve("results.json").toFile());
        Set<String> goals = new HashSet<>();
        for (JsonNode finding : results.get("findings")) {
            goals.add(finding.get("goal").asText());
            assertThat(finding.get("ratio").isNumber()).as(finding.toString()).isTrue();
            assertThat(finding.get("ratio").asDouble()).as(finding.toString()).isFinite();
        }
        assertThat(goals).containsExactlyInAnyOrder("G1", "G2", "G3", "G4", "G5", "G6", "G7", "G8", "G9", "G10", "G11", "G12");
        assertThat(results.get("gil")).hasSize(7);
        assertThat(Files.readString(out.resolve("report.md"))).contains("| G1 |", "| G9 |", "| G10 |", "| G11 |", "the seeds' experiment", "judged goals PASS");
    }
}
