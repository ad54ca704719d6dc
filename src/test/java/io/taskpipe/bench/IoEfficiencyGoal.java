package io.taskpipe.bench;

import java.util.List;
import java.util.Map;

/**
 * G2, IO efficiency: a backlog of {@code io.sleep W} tasks (a key each) drained by the IO lane at
 * in-flight cap C; the ideal is C/W tasks/s. Goal: ≥ 0.9 × C/W at C = 1024, W = 500 ms; also reported
 * at C = 5,000, W = 1 s.
 * <p>G3, virtual vs platform threads: the first workload again with the IO lane on a pool of 200
 * platform threads ({@code taskpipe.lanes.io.executor=PLATFORM}). Goal: virtual ≥ 0.9 × (C/200) × platform.
 */
final class IoEfficiencyGoal {

    private IoEfficiencyGoal() {
    }

    static List<Finding> run(Bench bench) throws InterruptedException {
        double virtual = drain(bench, "g2-virtual-1024", 1024, 500, Map.of());
        double big = drain(bench, "g2-virtual-5000", 5000, 1000,
                Map.of("taskpipe.lanes.io.max-in-flight", "5000", "taskpipe.lanes.io.queue-capacity", "5000"));
        double platform = drain(bench, "g3-platform-200", 1024, 500,
                Map.of("taskpipe.lanes.io.executor", "PLATFORM", "taskpipe.lanes.io.platform-threads", "200"));
        return List.of(
                Finding.atLeast("G2", "IO lane throughput / ideal C/W at C=1024, W=500 ms",
                        String.format("%.0f tasks/s of an ideal %.0f", virtual, 1024 / 0.5), virtual / (1024 / 0.5), 0.9),
                Finding.reported("G2", "IO lane throughput / ideal C/W at C=5000, W=1 s",
                        String.format("%.0f tasks/s of an ideal %.0f", big, 5000 / 1.0), big / 5000),
                Finding.atLeast("G3", "virtual threads / 200 platform threads, same IO workload (goal 0.9 × 1024/200)",
                        String.format("virtual %.0f tasks/s, platform %.0f tasks/s", virtual, platform), virtual / platform, 0.9 * 1024 / 200));
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
