package io.taskpipe.topology;

import io.taskpipe.check.DeadLetter;
import io.taskpipe.check.History;
import io.taskpipe.check.Observed;
import io.taskpipe.check.Report;
import io.taskpipe.embedded.EmbeddedBroker;
import io.taskpipe.load.Scenario.MixEntry;
import io.taskpipe.load.Scenario.Phase;
import io.taskpipe.load.TaskSender;
import io.taskpipe.testing.KafkaBroker;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The delivery promise under faults, proven on real processes (tier 3): dispatchers and cpu-workers
 * started from the packaged jar on one broker, killed, stopped, restarted and rescaled while tasks
 * flow; every run judged by the checker from the full history of results and dead letters.
 */
class DeliveryGuaranteesIT {

    private static final Path FILES = KafkaBroker.filesDir();
    private static final String CPU_LANE = "lane=\"CPU\"";

    @BeforeAll
    static void files() throws IOException {
        Files.writeString(FILES.resolve("topology.txt"), "a file for file.read tasks\n".repeat(100));
    }

    private static Topology topology(String scenario) {
        return new Topology(scenario, KafkaBroker.broker().bootstrapServers(), FILES);
    }

    @Test
    void baselineLosesDuplicatesAndReordersNothing() throws Exception {
        try (Topology topology = topology("baseline")) {
            topology.deploy("dispatcher", "worker-1", "worker-2");
            try (TaskSender load = topology.load(500, 1); Outcomes outcomes = new Outcomes(topology)) {
                load.run(burst(5_000), Mixes.MIXED);
                Report report = topology.judge(load, outcomes, Duration.ofMinutes(4));
                assertThat(report.produced()).isEqualTo(5_000);
                assertThat(report.duplicates()).isZero();
                assertThat(report.keysWithGaps()).isZero();
                assertThat(report.statuses()).containsOnlyKeys("SUCCEEDED");
            }
        }
    }

    @Test
    void killingCpuWorkersLosesNothingAndReplaysOnlyWhatWasInFlight() throws Exception {
        int slots = 2;
        int queue = 8;
        try (Topology topology = topology("worker-kill")
                .with("taskpipe.lanes.cpu.slots", Integer.toString(slots))
                .with("taskpipe.lanes.cpu.queue-capacity", Integer.toString(queue))) {
            List<AppProcess> workers = new ArrayList<>(topology.deploy("dispatcher", "worker-1", "worker-2").workers());
            Map<Long, Integer> inFlightAtKill = new HashMap<>();
            try (TaskSender load = topology.load(200, 2); Outcomes outcomes = new Outcomes(topology)) {
                AtomicBoolean stop = new AtomicBoolean();
                CompletableFuture<Void> sending = steadyUntil(stop, load, 40, Mixes.CPU_HEAVY);
                for (int kill = 0; kill < 3; kill++) {
                    // spaced by the run's progress, not by time: another 200 results (5 s of load) since the last restart
                    outcomes.awaitMore(200);
                    int index = kill % 2;
                    AppProcess victim = workers.get(index);
                    int uncommitted = (int) victim.metric("taskpipe_lane_uncommitted{lane=\"CPU\"}");
                    victim.kill();
                    inFlightAtKill.put(victim.pid(), uncommitted);
                    workers.set(index, topology.restart(victim));
                }
                stop.set(true);
                sending.get();
                Report report = topology.judge(load, outcomes, Duration.ofMinutes(3));
                System.out.printf("uncommitted on each victim just before its kill: %s%n", inFlightAtKill.values());

                assertThat(inFlightAtKill.values().stream().mapToInt(Integer::intValue).sum()).as("kills hit work in flight").isPositive();
                assertThat(report.unmarkedDuplicates()).as("every replay says attempt > 1").isZero();
                History history = topology.history(load);
                Map<Long, Long> duplicatesByVictim = duplicatesByFirstPid(history);
                assertThat(inFlightAtKill.keySet()).as("duplicates come only from killed processes").containsAll(duplicatesByVictim.keySet());
                int capacity = slots + queue; // the most a worker holds when it is killed
                duplicatesByVictim.forEach((pid, duplicates) -> assertThat(duplicates).isLessThanOrEqualTo(capacity));
            }
        }
    }

    @Test
    void killingTheDispatcherLosesNothing() throws Exception {
        try (Topology topology = topology("dispatcher-kill")) {
            AppProcess dispatcher = topology.deploy("dispatcher", "worker-1", "worker-2").dispatcher();
            try (TaskSender load = topology.load(300, 3); Outcomes outcomes = new Outcomes(topology)) {
                CompletableFuture<Void> sending = Topology.inBackground(() -> load.run(steady(300, 10), Mixes.MIXED));
                // mid-run: a third of the run's 3,000 tasks answered, the rest sent or still to come
                await("1,000 results").atMost(Duration.ofMinutes(2)).until(() -> outcomes.endedCount() >= 1_000);
                dispatcher.kill();
                topology.restart(dispatcher);
                sending.get();
                topology.judge(load, outcomes, Duration.ofMinutes(3));
            }
        }
    }

    @Test
    void rescalingWorkersOneToThreeToOneLosesNothingAndNeverStalls() throws Exception {
        try (Topology topology = topology("rescale")) {
            topology.deploy("dispatcher", "worker-1");
            try (TaskSender load = topology.load(200, 4); Outcomes outcomes = new Outcomes(topology)) {
                // the load goes on, however long the processes take to start, until the pipeline is back to one worker
                AtomicBoolean stop = new AtomicBoolean();
                CompletableFuture<Void> sending = steadyUntil(stop, load, 50, Mixes.CPU);
                outcomes.awaitMore(150);
                List<AppProcess> newcomers = topology.workers("worker-2", "worker-3");
                // scaled out for real: both newcomers hold partitions and have finished tasks, over another 200 results
                int joined = outcomes.endedCount();
                await("workers 2 and 3 at work").atMost(Duration.ofMinutes(2)).until(() -> outcomes.endedCount() >= joined + 200
                        && newcomers.stream().allMatch(worker -> worker.metricSum("taskpipe_tasks_total", CPU_LANE) > 0));
                // scaled in as a deployment is, both at once
                try (ExecutorService stopping = Executors.newVirtualThreadPerTaskExecutor()) {
                    List<Future<Integer>> exits = newcomers.stream()
                            .map(worker -> stopping.submit(() -> worker.terminate(Duration.ofSeconds(40)))).toList();
                    assertThat(exits).allSatisfy(exit -> assertThat(exit.get()).isZero());
                }
                outcomes.awaitMore(100); // one worker carries the load again
                stop.set(true);
                sending.get();
                assertThat(topology.judge(load, outcomes, Duration.ofMinutes(3)).maxStallMs()).isLessThan(30_000);
            }
        }
    }

    @Test
    void restartingTheBrokerLosesNothingAndProcessingResumes() throws Exception {
        Path data = Files.createTempDirectory("taskpipe-restarted-broker-");
        try (EmbeddedBroker broker = EmbeddedBroker.start(0, data);
             Topology topology = new Topology("broker-restart", broker.bootstrapServers(), FILES)) {
            topology.deploy("dispatcher", "worker-1");
            try (TaskSender load = topology.load(200, 5); Outcomes outcomes = new Outcomes(topology)) {
                CompletableFuture<Void> sending = Topology.inBackground(() -> load.run(steady(200, 10), Mixes.MIXED));
                await("500 results").atMost(Duration.ofMinutes(2)).until(() -> outcomes.endedCount() >= 500);
                broker.restart();
                Instant restarted = Instant.now();
                int endedBefore = outcomes.endedCount();
                await("processing resumes").atMost(Duration.ofSeconds(60)).until(() -> outcomes.endedCount() > endedBefore + 100);
                System.out.printf("broker restart: processing resumed %d ms after the broker was back%n",
                        Duration.between(restarted, outcomes.lastResult()).toMillis());
                sending.get();
                topology.judge(load, outcomes, Duration.ofMinutes(3));
            }
        }
    }

    @Test
    void aTaskThatKillsItsWorkerIsDeadLetteredAfterExactlyThreeDeliveries() throws Exception {
        try (Topology topology = topology("crash-loop").with("taskpipe.tasks.test-types-enabled", "true")) {
            List<AppProcess> workers = new ArrayList<>(topology.deploy("dispatcher", "worker-1", "worker-2").workers());
            try (TaskSender load = topology.load(300, 6); Outcomes outcomes = new Outcomes(topology)) {
                Set<String> crashIds = new HashSet<>();
                for (int batch = 0; batch < 3; batch++) {
                    load.run(burst(300), Mixes.CPU);
                    crashIds.add(load.send(Mixes.task("test.crash")));
                }
                AtomicInteger restarts = new AtomicInteger();
                await("every task ended, dead workers relaunched").atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(200)).until(() -> {
                    for (int i = 0; i < workers.size(); i++) {
                        if (!workers.get(i).isAlive()) {
                            assertThat(workers.get(i).exitValue()).as("halted by test.crash").isEqualTo(137);
                            workers.set(i, topology.relaunchNoWait(workers.get(i)));
                            restarts.incrementAndGet();
                        }
                    }
                    return outcomes.endedCount() >= load.produced().size();
                });
                outcomes.awaitAll(load.produced(), Duration.ofSeconds(10));
                Report report = topology.check(load);
                System.out.printf("crash loop: %d worker restarts for %d crash tasks%n", restarts.get(), crashIds.size());

                History history = topology.history(load);
                history.results().stream().filter(r -> !crashIds.contains(r.taskId()) && !r.status().equals("SUCCEEDED"))
                        .forEach(r -> System.out.println("NOT SUCCEEDED: " + r));
                history.deadLetters().stream().filter(d -> !crashIds.contains(d.taskId()))
                        .forEach(d -> System.out.println("UNEXPECTED DEAD LETTER: " + d));
                List<DeadLetter> lost = history.deadLetters().stream().filter(d -> "WORKER_LOST".equals(d.code())).toList();
                assertThat(lost.stream().map(DeadLetter::taskId).collect(Collectors.toSet())).isEqualTo(crashIds);
                assertThat(lost).as("given up after exactly 3 deliveries").allSatisfy(d -> assertThat(d.attempts()).isEqualTo(3));
                assertThat(restarts.get()).as("at most one restart per crashing delivery").isBetween(3, 3 * crashIds.size());
                assertThat(report.lost()).isZero();
                assertThat(history.results().stream().filter(r -> !crashIds.contains(r.taskId())))
                        .allSatisfy(r -> assertThat(r.status()).isEqualTo("SUCCEEDED"));
            }
        }
    }

    @Test
    void sigtermDrainsInFlightTasksExitsZeroAndNothingRunsTwice() throws Exception {
        try (Topology topology = topology("sigterm").with("taskpipe.lanes.shutdown-grace", "20s")) {
            Topology.Deployment deployment = topology.deploy("dispatcher", "worker-1");
            AppProcess dispatcher = deployment.dispatcher();
            AppProcess worker = deployment.workers().getFirst();
            try (TaskSender load = topology.load(300, 7); Outcomes outcomes = new Outcomes(topology)) {
                load.run(burst(60), List.of(Mixes.entry("compute.sum", 1, "n", Mixes.between(100_000_000, 299_999_999))));
                await().atMost(Duration.ofSeconds(60)).until(() -> worker.metric("taskpipe_lane_running{lane=\"CPU\"}") > 0);
                long start = System.nanoTime();
                assertThat(worker.terminate(Duration.ofSeconds(30))).isZero();
                System.out.printf("SIGTERM: worker drained and exited 0 in %d ms%n", (System.nanoTime() - start) / 1_000_000);
                topology.restart(worker);

                load.run(burst(300), List.of(Mixes.entry("io.sleep", 1, "millis", Mixes.between(2_000, 3_999))));
                await().atMost(Duration.ofSeconds(60)).until(() -> dispatcher.metric("taskpipe_lane_running{lane=\"IO\"}") > 0);
                start = System.nanoTime();
                assertThat(dispatcher.terminate(Duration.ofSeconds(30))).isZero();
                System.out.printf("SIGTERM: dispatcher drained and exited 0 in %d ms%n", (System.nanoTime() - start) / 1_000_000);
                topology.restart(dispatcher);

                assertThat(topology.judge(load, outcomes, Duration.ofMinutes(3)).duplicates()).as("no task ran twice").isZero();
            }
        }
    }

    /** {@code count} tasks at once. */
    private static List<Phase> burst(long count) {
        return List.of(Phase.burst(count));
    }

    /**
     * {@code rate} tasks a second, a second's worth after another, until {@code stop} is set: load that
     * lasts as long as the faults it carries take on this machine.
     */
    private static CompletableFuture<Void> steadyUntil(AtomicBoolean stop, TaskSender load, double rate, List<MixEntry> mix) {
        return Topology.inBackground(() -> {
            while (!stop.get()) {
                load.run(steady(rate, 1), mix);
            }
        });
    }

    /** {@code rate} tasks a second for {@code seconds}, each sent when due (open loop). */
    private static List<Phase> steady(double rate, long seconds) {
        return List.of(Phase.steady(rate, Duration.ofSeconds(seconds)));
    }

    /** For each task with more than one result, the process that produced its first one. */
    private static Map<Long, Long> duplicatesByFirstPid(History history) {
        return history.results().stream().collect(Collectors.groupingBy(Observed::taskId)).values().stream()
                .filter(results -> results.size() > 1)
                .map(results -> results.stream().min(Comparator.comparingInt(Observed::attempt)).orElseThrow().pid())
                .collect(Collectors.groupingBy(pid -> pid, Collectors.counting()));
    }
}
