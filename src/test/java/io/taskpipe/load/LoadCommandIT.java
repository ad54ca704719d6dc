package io.taskpipe.load;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskpipe.contract.TaskJson;
import io.taskpipe.testing.Scripts;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The load-test command as a newcomer runs it: {@code load-tests/run.sh smoke}, which starts its own
 * pipeline from the packaged jar, sends the scenario, and writes the summary and the HTML report.
 */
class LoadCommandIT {

    @Test
    void theSmokeScenarioRunsAndReports() throws IOException, InterruptedException {
        Path out = Path.of("target", "load-it", "smoke");
        Files.createDirectories(out);
        String output = Scripts.run(Duration.ofMinutes(5), Path.of("target", "load-it", "smoke-console.txt"),
                "load-tests/run.sh", "smoke", "--out", out.toString());
        assertThat(output).contains("sent 200 of 200", "in flight", "p99").contains("latency (ms, from intended send)")
                .contains("checker: lost 0, duplicates 0 (unmarked 0), order violations 0, keys with gaps 0: PASS");

        JsonNode summary = TaskJson.MAPPER.readTree(out.resolve("summary.json").toFile());
        assertThat(summary.get("sent").asLong()).isEqualTo(200);
        assertThat(summary.get("done").asLong()).isEqualTo(200);
        assertThat(summary.at("/checker/lost").asLong()).isZero();
        assertThat(summary.at("/latencyMs/p99").asDouble()).isPositive();
        assertThat(summary.get("latencyMsByType").size()).as("every task type of the scenario").isEqualTo(8);
        assertThat(summary.get("lanes").has("IO")).isTrue();
        assertThat(summary.get("lanes").has("CPU")).isTrue();
        assertThat(summary.get("timeline").size()).isGreaterThanOrEqualTo(5);

        String html = Files.readString(out.resolve("report.html"));
        for (String chart : HtmlReport.CHARTS) {
            assertThat(html).as(chart).contains("<svg id=\"" + chart + "\"");
        }
        assertThat(html.split("<polyline class=\"series\"", -1).length - 1).as("plotted lines").isGreaterThanOrEqualTo(9 + 2 + 1);
        assertThat(html.split("<rect class=\"bar\"", -1).length - 1).as("lane bars: 2 lanes x 2 percentiles x 2 parts").isEqualTo(8);
        assertThat(html).contains("PASS");
    }
}
