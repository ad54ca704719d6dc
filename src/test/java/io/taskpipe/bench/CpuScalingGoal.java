package io.taskpipe.bench;

import io.taskpipe.load.Scenario;
import io.taskpipe.tasks.TaskContext;
import io.taskpipe.tasks.cpu.Sha256Task;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * G6, CPU scaling: a backlog of {@code compute.sha256} drained by one cpu-worker process, then by two,
 * each limited to one core (pinned, one slot), as replicas with a CPU limit of 1 would be. Goal: two ≥
 * 1.8 × one; and the two-worker pipeline ≥ 0.8 × a tight loop over the same work on the same cores
 * in one process (threads calling the task's code directly, no Kafka).
 */
final class CpuScalingGoal {

    private CpuScalingGoal() {
    }

    static List<Finding> run(Bench bench) throws InterruptedException {
        if (Cpus.available() < 2) {
            return List.of(new Finding("G6", "scaling needs 2 cores", "only " + Cpus.available(), Double.NaN, "-", false));
        }
        int mebibytes = bench.scale(64, 8);
        double loop = tightLoop(2, mebibytes, bench.scale(Duration.ofSeconds(10), Duration.ofSeconds(1)));
        System.out.printf("  tight loop, 2 threads: %.1f tasks/s%n", loop);
        double one = pipeline(bench, "g6-one-worker", List.of("1"), mebibytes, loop / 2);
        double two = pipeline(bench, "g6-two-workers", List.of("0", "1"), mebibytes, loop);
        String task = "compute.sha256 " + mebibytes + " MiB";
        return List.of(
                Finding.atLeast("G6", "2 cpu-worker processes / 1 (one core each, " + task + ")",
                        String.format("%.1f tasks/s with 2, %.1f with 1", two, one), two / one, 1.8),
                Finding.atLeast("G6", "pipeline with 2 workers / tight in-process loop on the same 2 cores",
                        String.format("pipeline %.1f tasks/s, loop %.1f tasks/s", two, loop), two / loop, 0.8));
    }

    private static double pipeline(Bench bench, String arm, List<String> cores, int mebibytes, double expectedRate)
            throws InterruptedException {
        Bench.Topics topics = bench.topics(arm);
        bench.dispatcher(topics, Map.of(), List.of(), null);
        for (String core : cores) {
            bench.worker(topics, "worker-" + core, Map.of(), List.of("-XX:ActiveProcessorCount=1"), core);
        }
        bench.awaitAnswers(topics, "compute.sha256", Bench.params("mebibytes", 1));
        List<Scenario.MixEntry> mix = List.of(new Scenario.MixEntry("compute.sha256", 1.0, Bench.params("mebibytes", mebibytes), null));
        double rate = bench.drain(topics, arm, expectedRate, 0, mix).stats().resultsPerSecond(0.2, 0.9);
        bench.endArm();
        System.out.printf("  %s: %.1f tasks/s%n", arm, rate);
        return rate;
    }

    /** Tasks per second of {@code threads} threads running the task's code back to back, after a warm-up. */
    static double tightLoop(int threads, int mebibytes, Duration duration) throws InterruptedException {
        Sha256Task task = new Sha256Task();
        TaskContext context = new TaskContext(Instant.now().plus(Duration.ofHours(1)));
        for (int i = 0; i < 10; i++) {
            task.run(new Sha256Task.Params(mebibytes, (long) i), context);
        }
        AtomicLong done = new AtomicLong();
        long end = System.nanoTime() + duration.toNanos();
        List<Thread> workers = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            workers.add(Thread.ofPlatform().start(() -> {
                for (long seed = 0; System.nanoTime() < end; seed++) {
                    task.run(new Sha256Task.Params(mebibytes, seed), context);
                    done.incrementAndGet();
                }
            }));
        }
        for (Thread worker : workers) {
            worker.join();
        }
        return done.get() / ((System.nanoTime() - start) / 1e9);
    }
}
