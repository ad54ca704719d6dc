package io.taskpipe.bench;

import java.util.List;
import java.util.Map;

/**
 * G4, against Confluent's Parallel Consumer (KEY ordering, {@code pollAndProduce}): the same topic
 * (8 partitions), 1,000 keys, tasks that wait 50 ms, the same result record per task. Goal: taskpipe
 * at its defaults ≥ 2 × Parallel Consumer at its documented defaults (max concurrency 16); at an
 * equal in-flight cap of 100, ≥ 0.95 ×.
 */
final class ParallelConsumerGoal {

    private static final int KEYS = 1000;
    private static final long WAIT_MS = 50;

    private ParallelConsumerGoal() {
    }

    static List<Finding> run(Bench bench) throws InterruptedException {
        double tpDefault = taskpipe(bench, "g4-taskpipe-defaults", Map.of(), 8000);
        double pcDefault = parallelConsumer(bench, "g4-pc-defaults", null, 16);
        double tp100 = taskpipe(bench, "g4-taskpipe-100", Map.of("taskpipe.lanes.io.max-in-flight", "100"), 100);
        double pc100 = parallelConsumer(bench, "g4-pc-100", 100, 100);
        return List.of(
                Finding.atLeast("G4", "taskpipe defaults / Parallel Consumer defaults (1,000 keys, 50 ms tasks)",
                        String.format("taskpipe %.0f tasks/s, Parallel Consumer %.0f tasks/s", tpDefault, pcDefault), tpDefault / pcDefault, 2),
                Finding.atLeast("G4", "taskpipe / Parallel Consumer at an equal cap of 100 in flight",
                        String.format("taskpipe %.0f tasks/s, Parallel Consumer %.0f tasks/s", tp100, pc100), tp100 / pc100, 0.95));
    }

    /** {@code expectedInFlight} only sizes the backlog, so it outlasts the measurement. */
    private static double taskpipe(Bench bench, String arm, Map<String, String> settings, int expectedInFlight)
            throws InterruptedException {
        Bench.Topics topics = bench.topics(arm);
        bench.dispatcher(topics, settings, List.of(), null);
        return measure(bench, arm, topics, expectedInFlight);
    }

    private static double parallelConsumer(Bench bench, String arm, Integer maxConcurrency, int expectedInFlight)
            throws InterruptedException {
        Bench.Topics topics = bench.topics(arm);
        String group = topics.prefix() + "-group";
        if (maxConcurrency == null) {
            bench.main(arm, ParallelConsumerEcho.class, bench.bootstrap(), topics.tasks(), topics.results(), group);
        } else {
            bench.main(arm, ParallelConsumerEcho.class, bench.bootstrap(), topics.tasks(), topics.results(), group, maxConcurrency.toString());
        }
        return measure(bench, arm, topics, expectedInFlight);
    }

    private static double measure(Bench bench, String arm, Bench.Topics topics, int expectedInFlight)
            throws InterruptedException {
        bench.awaitAnswers(topics, "io.sleep", Bench.params("millis", 0));
        double ideal = Math.min(expectedInFlight, KEYS) * 1000.0 / WAIT_MS;
        double rate = bench.drain(topics, arm, ideal, KEYS, Bench.sleeps(WAIT_MS)).stats().resultsPerSecond(0.2, 0.9);
        bench.endArm();
        System.out.printf("  %s: %.0f tasks/s%n", arm, rate);
        return rate;
    }
}
