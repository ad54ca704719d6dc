package io.taskpipe.topology;

import io.taskpipe.check.Produced;
import io.taskpipe.check.Report;
import io.taskpipe.load.Scenario.Phase;
import io.taskpipe.load.TaskSender;
import io.taskpipe.testing.Browser;
import io.taskpipe.testing.KafkaBroker;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard in a real browser (headless Chromium) on a dispatcher and a cpu-worker under load: the
 * page connects without a console error, lists both processes from their heartbeats, its counters move
 * while tasks run, its totals end equal to the checker's, the failures list shows a dead letter and
 * filters by status, and the task lookup tells a known task's story. The page as it looked is saved as
 * {@code target/dashboard/dashboard.png}.
 */
class DashboardIT {

    private static final Duration LIVE = Duration.ofSeconds(30);

    @Test
    void theDashboardShowsTheRunningPipelineAndAgreesWithTheChecker() throws IOException {
        Browser.require();
        Files.writeString(KafkaBroker.filesDir().resolve("topology.txt"), "a file for file.read tasks\n".repeat(100));
        try (Topology topology = new Topology("dashboard", KafkaBroker.broker().bootstrapServers(), KafkaBroker.filesDir())) {
            Topology.Deployment deployment = topology.deploy("dispatcher", "worker");
            try (Browser browser = new Browser(); TaskSender load = topology.load(16, 5); Outcomes outcomes = new Outcomes(topology)) {
                WebDriver page = browser.driver();
                page.manage().window().setSize(new Dimension(1400, 2400));
                page.get(deployment.dispatcher().uri("/").toString());
                browser.await(LIVE, d -> text(d, "connection").startsWith("live"));
                browser.await(LIVE, d -> column(d, "processes", 0).containsAll(List.of("dispatcher", "cpu-worker")));
                assertThat(column(page, "processes", 2)).as("pids")
                        .contains(Long.toString(deployment.dispatcher().pid()), Long.toString(deployment.workers().getFirst().pid()));

                CompletableFuture<Void> running = Topology.inBackground(() -> load.run(
                        List.of(Phase.steady(120, Duration.ofSeconds(10))), Mixes.MIXED));
                long before = total(page, "results");
                browser.await(LIVE, d -> total(d, "results") > before);
                long during = total(page, "results");
                browser.await(LIVE, d -> total(d, "results") > during);
                browser.await(LIVE, d -> column(d, "lanes", 0).containsAll(List.of("IO", "CPU")));
                running.join();

                String unknown = load.send(Mixes.task("no.such.type")); // a REJECTED result and a dead letter
                String missing = load.send(Mixes.entry("file.read", 1, "path", "no-such-file.txt")); // FAILED, NOT_FOUND
                Report report = topology.judge(load, outcomes, Duration.ofSeconds(120));
                assertThat(report.passed()).isTrue();
                assertThat(report.duplicates()).as("no process died: one result per task, as the totals count").isZero();

                Map<String, Long> statuses = report.statuses();
                long results = statuses.values().stream().mapToLong(Long::longValue).sum();
                long deadLetters = report.deadLetters().values().stream().mapToLong(Long::longValue).sum();
                browser.await(LIVE, d -> statuses.entrySet().stream().allMatch(s -> total(d, label(s.getKey())) == s.getValue())
                        && total(d, "results") == results && total(d, "dead letters") == deadLetters);

                browser.await(LIVE, d -> column(d, "failures", 3).containsAll(List.of(unknown, missing)));
                new Select(page.findElement(By.id("failure-status"))).selectByValue("DEAD_LETTER");
                assertThat(column(page, "failures", 1)).containsOnly("DEAD_LETTER");
                assertThat(column(page, "failures", 3)).contains(unknown).doesNotContain(missing);
                assertThat(column(page, "failures", 2)).contains("UNKNOWN_TYPE");

                Set<String> ids = load.produced().stream().map(Produced::taskId).collect(Collectors.toSet());
                String known = topology.results(ids).values().stream().filter(r -> r.get("type").asText().equals("compute.primes"))
                        .findFirst().orElseThrow().get("taskId").asText();
                page.findElement(By.id("lookup-id")).sendKeys(known);
                page.findElement(By.cssSelector("#lookup-form button")).click();
                WebElement story = browser.await(LIVE, d -> d.findElement(By.id("lookup-result")));
                assertThat(story.getAttribute("data-task")).isEqualTo(known);
                assertThat(story.getText()).contains("SUCCEEDED", "CPU", "pid " + deployment.workers().getFirst().pid(), "in order");
                assertThat(page.findElements(By.cssSelector("#lookup .bar div"))).hasSize(3);

                assertThat(page.findElements(By.cssSelector("#throughput-chart canvas"))).isNotEmpty();
                assertThat(column(page, "lag", 0)).contains(topology.names().dispatcherGroup(), topology.names().workerGroup());
                new Select(page.findElement(By.id("failure-status"))).selectByValue("");
                browser.screenshot(Path.of("target", "dashboard", "dashboard.png"));
                assertThat(browser.consoleErrors()).isEmpty();
            }
        }
    }

    // Read in one script each: the page redraws every second, so elements found a moment ago may be gone.

    private static String text(WebDriver page, String id) {
        return (String) script(page, "return document.getElementById(arguments[0]).textContent", id);
    }

    /** The page's label of a status's total. */
    private static String label(String status) {
        return status.toLowerCase().replace('_', ' ');
    }

    private static long total(WebDriver page, String name) {
        Object value = script(page, "const tile = document.querySelector(`[data-total='${arguments[0]}'] b`);"
                + " return tile ? tile.textContent : '-1'", name);
        return Long.parseLong((String) value);
    }

    @SuppressWarnings("unchecked")
    private static List<String> column(WebDriver page, String table, int index) {
        return (List<String>) script(page, "return [...document.querySelectorAll(`#${arguments[0]} tbody tr`)]"
                + ".filter(row => row.cells.length > arguments[1]).map(row => row.cells[arguments[1]].textContent)", table, index);
    }

    private static Object script(WebDriver page, String script, Object... arguments) {
        return ((JavascriptExecutor) page).executeScript(script, arguments);
    }
}
