package io.taskpipe.topology;

import io.taskpipe.check.History;
import io.taskpipe.check.Observed;
import io.taskpipe.check.Report;
import io.taskpipe.load.Scenario.MixEntry;
import io.taskpipe.load.Scenario.Phase;
import io.taskpipe.load.TaskSender;
import io.taskpipe.testing.KafkaBroker;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How lanes hand work over and get back on their feet, on real processes, each run judged by the checker
 * (nothing lost, nothing out of order, no key running in two places at once): a crash with hundreds of
 * tasks in flight, hand-offs during retry backoff, a rebalance under long tasks, and a crash beside
 * tasks that retry.
 */
class RecoveryIT {

    private static final Path FILES = KafkaBroker.filesDir();

    private static Topology topology(String scenario) {
        return new Topology(scenario, KafkaBroker.broker().bootstrapServers(), FILES);
    }

    @Test
    void aDispatcherKilledWith500SleepsInFlightRecoversInAboutTheirTime() {
        // starts committed before each task runs, so every one of the 500 is a suspect after the kill
        try (Topology topology = topology("in-flight-kill").with("taskpipe.lanes.io.start-commit", "EACH")) {
            AppProcess dispatcher = topology.dispatcher("dispatcher");
            try (TaskSender load = topology.load(0, 11); Outcomes outcomes = new Outcomes(topology)) {
                load.run(List.of(Phase.burst(500)), List.of(Mixes.task("io.sleep", "millis", 5_000, 60_000)));
                await("500 sleeps running").atMost(Duration.ofMinutes(1))
                        .until(() -> dispatcher.metric("taskpipe_lane_running{lane=\"IO\"}") >= 500);
                dispatcher.kill();
                AppProcess restarted = topology.restart(dispatcher);
                Instant back = Instant.now();
                Report report = topology.judge(load, outcomes, Duration.ofMinutes(2));
                Duration recovery = Duration.between(back, outcomes.lastResult());
                System.out.printf("in-flight kill: 500 suspects of 5 s ended %.1f s after the dispatcher was back%n", recovery.toMillis() / 1000.0);
                assertThat(report.statuses()).containsOnlyKeys("SUCCEEDED");
                assertThat(topology.history(load).results()).as("every replay says it is one").allSatisfy(r -> assertThat(r.attempt()).isEqualTo(2));
                assertThat(recovery).as("suspects run side by side (one after another: 2,500 s)").isLessThan(Duration.ofSeconds(30));
                assertThat(restarted.isAlive()).isTrue();
            }
        }
    }

    @Test
    void handOffsDuringRetryBackoffAreNotChargedAsCrashes() {
        try (Topology topology = topology("backoff-handoff")
                .with("taskpipe.tasks.test-types-enabled", "true")
                .with("taskpipe.retries.initial-backoff", "2s")
                .with("taskpipe.retries.multiplier", "1")
                .with("taskpipe.retries.max-backoff", "2s")
                .with("taskpipe.lanes.cpu.slots", "2")
                .with("taskpipe.lanes.cpu.queue-capacity", "8")
                .with("taskpipe.lanes.shutdown-grace", "5s")) {
            AppProcess worker = topology.deploy("dispatcher", "worker").workers().getFirst();
            // as many tasks as the worker holds (2 slots, 8 queued), so every one of them waits in a backoff at each hand-off
            try (TaskSender load = topology.load(10, 12); Outcomes outcomes = new Outcomes(topology)) {
                load.run(List.of(Phase.burst(10)), List.of(Mixes.task("test.flaky")));
                for (int handOff = 0; handOff < 3; handOff++) { // three, the crashes that would give a task up
                    AppProcess current = worker;
                    await("every task failed once and waits for its retry").atMost(Duration.ofMinutes(1))
                            .until(() -> current.metricSum("taskpipe_task_retries_total", "lane=\"CPU\"") >= 10);
                    assertThat(worker.terminate(Duration.ofSeconds(30))).as("SIGTERM during the backoff drains and exits 0").isZero();
                    worker = topology.restart(worker);
                }
                topology.judge(load, outcomes, Duration.ofMinutes(2));
                History history = topology.history(load);
                assertThat(history.deadLetters()).as("given up for its retries, never as a lost worker")
                        .allSatisfy(letter -> assertThat(letter.code()).isEqualTo("RETRIES_EXHAUSTED"));
                assertThat(history.results()).allSatisfy(result -> {
                    assertThat(result.errorCode()).isEqualTo("RETRIES_EXHAUSTED");
                    assertThat(result.attempt()).as("the hand-offs added no attempts").isEqualTo(4);
                });
            }
        }
    }

    @Test
    void aRebalanceWhileLongTasksRunNeverRunsATaskInTwoPlaces() {
        try (Topology topology = topology("long-rebalance")) {
            AppProcess first = topology.dispatcher("dispatcher-1");
            try (TaskSender load = topology.load(0, 13); Outcomes outcomes = new Outcomes(topology)) {
                load.run(List.of(Phase.burst(100)), List.of(Mixes.task("io.sleep", "millis", 25_000, 60_000)));
                await("100 long tasks running").atMost(Duration.ofMinutes(1))
                        .until(() -> first.metric("taskpipe_lane_running{lane=\"IO\"}") >= 100);
                topology.dispatcher("dispatcher-2"); // takes half the partitions; their tasks outlive the revoke grace
                Report report = topology.judge(load, outcomes, Duration.ofMinutes(3));
                System.out.printf("long rebalance: %d results, %d overlapping runs%n", topology.history(load).results().size(),
                        report.overlappingRuns());
                assertThat(report.duplicates()).as("a revoked task's outcome is fenced, not published twice").isZero();
                assertThat(report.statuses()).containsOnlyKeys("SUCCEEDED");
            }
        }
    }

    @Test
    void aWorkerKilledWhileAnotherRetriesNeitherStallsNorRetriesCorruptImages() throws Exception {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(100, 100, BufferedImage.TYPE_INT_RGB), "png", png);
        Files.write(FILES.resolve("recovery-corrupt.png"), Arrays.copyOf(png.toByteArray(), png.size() / 2));
        try (Topology topology = topology("kill-while-retrying")
                .with("taskpipe.tasks.test-types-enabled", "true")
                .with("taskpipe.retries.initial-backoff", "200ms")
                .with("taskpipe.lanes.cpu.slots", "2")
                .with("taskpipe.lanes.cpu.queue-capacity", "8")) {
            List<AppProcess> workers = topology.deploy("dispatcher", "worker-1", "worker-2").workers();
            AppProcess victim = workers.get(0);
            AppProcess survivor = workers.get(1);
            List<MixEntry> mix = List.of(
                    Mixes.entry("compute.sum", 8, "n", Mixes.between(10_000_000, 49_999_999)),
                    new MixEntry("test.flaky", 1.0, Mixes.params(), null),
                    new MixEntry("compute.thumbnail", 1.0, Mixes.params("path", "recovery-corrupt.png", "width", 16), null));
            try (TaskSender load = topology.load(50, 14); Outcomes outcomes = new Outcomes(topology)) {
                AtomicBoolean stop = new AtomicBoolean();
                CompletableFuture<Void> sending = Topology.inBackground(() -> {
                    while (!stop.get()) {
                        load.run(List.of(Phase.steady(20, Duration.ofSeconds(1))), mix);
                    }
                });
                await("both workers hold tasks in retry backoff").atMost(Duration.ofMinutes(1)).until(() ->
                        victim.metricSum("taskpipe_task_retries_total", "lane=\"CPU\"") > 0
                                && survivor.metricSum("taskpipe_task_retries_total", "lane=\"CPU\"") > 0);
                victim.kill(); // its tasks move to the survivor as suspects, beside the survivor's retrying ones
                outcomes.awaitMore(100);
                topology.restart(victim);
                outcomes.awaitMore(100);
                stop.set(true);
                sending.get();
                Report report = topology.judge(load, outcomes, Duration.ofMinutes(3));
                History history = topology.history(load);
                assertThat(report.maxStallMs()).as("no lane stood still").isLessThan(30_000);
                assertThat(history.results()).filteredOn(r -> "INVALID_CONTENT".equals(r.errorCode()))
                        .isNotEmpty().allSatisfy(r -> assertThat(r.attempt()).as("a corrupt image is not retried").isLessThanOrEqualTo(2));
                assertThat(history.deadLetters()).noneSatisfy(letter -> assertThat(letter.code()).isEqualTo("WORKER_LOST"));
                assertThat(history.results().stream().map(Observed::errorCode).distinct())
                        .containsOnly(null, "INVALID_CONTENT", "RETRIES_EXHAUSTED");
            }
        }
    }
}
