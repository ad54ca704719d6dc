package io.taskpipe.bench;

import io.taskpipe.load.Scenario;
import io.taskpipe.load.TaskSender;
import io.taskpipe.topology.AppProcess;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/**
 * G2, IO efficiency: a backlog of {@code io.sleep W} tasks (a key each) drained by the IO lane at
 * in-flight cap C; the ideal is C/W tasks/s. Goal: ≥ 0.9 × C/W at C = 1024, W = 500 ms and at
 * C = 10,000, W = 5 s; also reported at C = 5,000, W = 1 s, and the memory a task in flight costs.
 * <p>G3, virtual vs platform threads: the first workload again with the IO lane on a pool of 200
 * platform threads ({@code taskpipe.lanes.io.executor=PLATFORM}). Goal: virtual ≥ 0.9 × (C/200) × platform.
 */
final class IoEfficiencyGoal {

    static final int IN_FLIGHT = 10_000;

    private IoEfficiencyGoal() {
    }

    static List<Finding> run(Bench bench) throws InterruptedException {
        List<Finding> findings = new ArrayList<>();
        findings.add(memory(bench));
        double virtual = drain(bench, "g2-virtual-1024", 1024, 500, Map.of());
        findings.add(Finding.atLeast("G2", "IO lane throughput / ideal C/W at C=1024, W=500 ms",
                String.format("%.0f tasks/s of an ideal %.0f", virtual, 1024 / 0.5), virtual / (1024 / 0.5), 0.9));
        double big = drain(bench, "g2-virtual-5000", 5000, 1000,
                Map.of("taskpipe.lanes.io.max-in-flight", "5000", "taskpipe.lanes.io.queue-capacity", "5000"));
        findings.add(Finding.reported("G2", "IO lane throughput / ideal C/W at C=5000, W=1 s",
                String.format("%.0f tasks/s of an ideal %.0f", big, 5000 / 1.0), big / 5000));
        if (!bench.smoke()) { // the arms above run the same code, and a smoke run has no time for 5 s tasks
            double huge = drain(bench, "g2-virtual-10000", 10_000, 5000,
                    Map.of("taskpipe.lanes.io.max-in-flight", "10000", "taskpipe.lanes.io.queue-capacity", "10000"));
            findings.add(Finding.atLeast("G2", "IO lane throughput / ideal C/W at C=10000, W=5 s",
                    String.format("%.0f tasks/s of an ideal %.0f", huge, 10_000 / 5.0), huge / (10_000 / 5.0), 0.9));
        }
        double platform = drain(bench, "g3-platform-200", 1024, 500,
                Map.of("taskpipe.lanes.io.executor", "PLATFORM", "taskpipe.lanes.io.platform-threads", "200"));
        findings.add(Finding.atLeast("G3", "virtual threads / 200 platform threads, same IO workload (goal 0.9 × 1024/200)",
                String.format("virtual %.0f tasks/s, platform %.0f tasks/s", virtual, platform), virtual / platform, 0.9 * 1024 / 200));
        return findings;
    }

    /**
     * What a task in flight costs the dispatcher: its heap after a full collection and its resident memory
     * with {@link #IN_FLIGHT} tasks of {@code io.sleep 100 s} running (a key each), less the same before
     * they were sent, per task.
     */
    private static Finding memory(Bench bench) throws InterruptedException {
        int tasks = bench.scale(IN_FLIGHT, 500);
        Bench.Topics topics = bench.topics("g2-memory-" + tasks);
        AppProcess dispatcher = bench.dispatcher(topics, Map.of("taskpipe.lanes.io.max-in-flight", Integer.toString(tasks),
                "taskpipe.lanes.io.queue-capacity", Integer.toString(tasks)), List.of(), null);
        bench.awaitAnswers(topics, "io.sleep", Bench.params("millis", 0));
        long heapBefore = dispatcher.heapAfterFullCollection();
        long rssBefore = dispatcher.residentBytes();
        try (TaskSender sender = new TaskSender(topics.target(bench.bootstrap()), "g2-memory", 7L, 0)) {
            sender.run(List.of(Scenario.Phase.burst(tasks)),
                    List.of(new Scenario.MixEntry("io.sleep", 1.0, Bench.params("millis", 100_000), 120_000L)));
        }
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                .until(() -> dispatcher.metricSum("taskpipe_lane_running", "lane=\"IO\"") >= tasks);
        long heap = dispatcher.heapAfterFullCollection();
        long rss = dispatcher.residentBytes();
        bench.endArm();
        double heapPerTask = (heap - heapBefore) / 1024.0 / tasks;
        double rssPerTask = (rss - rssBefore) / 1024.0 / tasks;
        System.out.printf("  g2-memory: heap %d -> %d MiB, RSS %d -> %d MiB with %d tasks running%n",
                heapBefore >> 20, heap >> 20, rssBefore >> 20, rss >> 20, tasks);
        return Finding.reported("G2", "memory per IO task in flight, KiB of heap after a full collection (io.sleep 100 s, " + tasks + " running)",
                String.format("heap %.1f KiB, RSS %.1f KiB per task (heap %d to %d MiB, RSS %d to %d MiB)", heapPerTask, rssPerTask,
                        heapBefore >> 20, heap >> 20, rssBefore >> 20, rss >> 20), heapPerTask);
    }

    private static double drain(Bench bench, String arm, int cap, long waitMillis, Map<String, String> settings)
            throws InterruptedException {
        Bench.Topics topics = bench.topics(arm);
        bench.dispatcher(topics, settings, List.of(), null);
        bench.awaitAnswers(topics, "io.sleep", Bench.params("millis", 0));
        double ideal = cap * 1000.0 / waitMillis;
        double rate = bench.drain(topics, arm, ideal, 0, Bench.sleeps(waitMillis)).stats().resultsPerSecond(0.2, 0.9);
        bench.endArm();
        System.out.printf("  %s: %.0f tasks/s (ideal %.0f)%n", arm, rate, ideal);
        return rate;
    }
}
