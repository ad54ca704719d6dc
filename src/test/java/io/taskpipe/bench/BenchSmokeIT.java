package io.taskpipe.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskpipe.contract.TaskJson;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The benchmark suite cannot rot: {@code load-tests/bench.sh --smoke} runs every arm for a moment and
 * must report every goal with a number. Its figures are not judged here: a smoke run measures nothing.
 */
class BenchSmokeIT {

    @Test
    void everyArmRunsAndEveryGoalIsReported() throws IOException, InterruptedException {
        Path out = Path.of("target", "bench-smoke");
        Path console = Path.of("target", "bench-smoke-console.txt");
        Files.createDirectories(out);
        Process run = new ProcessBuilder("load-tests/bench.sh", "--smoke", "--out", out.toString())
                .redirectErrorStream(true).redirectOutput(console.toFile()).start();
        assertThat(run.waitFor(10, TimeUnit.MINUTES)).as("bench.sh finished").isTrue();
        String output = Files.readString(console);
        System.out.println(output);
        assertThat(run.exitValue()).as("exit status").isZero();

        JsonNode results = TaskJson.MAPPER.readTree(out.resolve("results.json").toFile());
        Set<String> goals = new HashSet<>();
        for (JsonNode finding : results.get("findings")) {
            goals.add(finding.get("goal").asText());
            assertThat(finding.get("ratio").isNumber()).as(finding.toString()).isTrue();
            assertThat(finding.get("ratio").asDouble()).as(finding.toString()).isFinite();
        }
        assertThat(goals).containsExactlyInAnyOrder("G1", "G2", "G3", "G4", "G5", "G6", "G7", "G8");
        assertThat(results.get("gil")).hasSize(7);
        assertThat(Files.readString(out.resolve("report.md"))).contains("| G1 |", "| G7 |", "the seeds' experiment", "judged goals PASS");
    }
}
