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
 * each limited to one core (pinned, one slot), as replicas with a CPU limit of 1 would be. On two cores
 * the second worker can only have the core the broker, the dispatcher and the load generator run on, so
 * two / one is reported with that cause, as is the two-worker pipeline against a tight loop over the
 * same work on two threads in one process (calling the task's code directly, no Kafka). Judged is what
 * the machine can show: the one worker, on a core of its own (everything else pinned to the other),
 * ≥ 0.9 × the task's code in a tight loop on that core.
 */
final class CpuScalingGoal {

    private CpuScalingGoal() {
    }

    static List<Finding> run(Bench bench) throws InterruptedException {
        if (Cpus.available() < 2) {
            return List.of(new Finding("G6", "scaling needs 2 cores", "only " + Cpus.available(), Double.NaN, "-", false));
        }
        int cores = Cpus.available();
        int mebibytes = bench.scale(64, 8);
        Duration loopFor = bench.scale(Duration.ofSeconds(10), Duration.ofSeconds(1));
        double loop = tightLoop(2, mebibytes, loopFor);
        System.out.printf("  tight loop, 2 threads: %.1f tasks/s%n", loop);
        double one;
        double loopOnCore;
        try {
            Cpus.pinThisProcess("1");
            loopOnCore = tightLoop(1, mebibytes, loopFor);
            System.out.printf("  tight loop, 1 thread on core 1: %.1f tasks/s%n", loopOnCore);
            Cpus.pinThisProcess("0"); // the broker and the load generator
            one = pipeline(bench, "g6-one-worker", "0", List.of("1"), mebibytes, loopOnCore);
        } finally {
            Cpus.pinThisProcess("0-" + (cores - 1));
        }
        double two = pipeline(bench, "g6-two-workers", null, List.of("0", "1"), mebibytes, loop);
        String task = "compute.sha256 " + mebibytes + " MiB";
        return List.of(
                Finding.atLeast("G6", "1 cpu-worker on a core of its own / the task's code in a tight loop on that core (" + task + ")",
                        String.format("worker %.1f tasks/s, loop %.1f tasks/s", one, loopOnCore), one / loopOnCore, 0.9),
                Finding.reported("G6", "2 cpu-worker processes / 1, the second on the core of the broker, the dispatcher and the load generator",
                        String.format("%.1f tasks/s with 2, %.1f with 1", two, one), two / one),
                Finding.reported("G6", "pipeline with 2 workers / tight in-process loop on the same 2 cores (the same shared core)",
                        String.format("pipeline %.1f tasks/s, loop %.1f tasks/s", two, loop), two / loop));
    }

    /** @param dispatcherCores where the dispatcher runs, or null for anywhere */
    private static double pipeline(Bench bench, String arm, String dispatcherCores, List<String> cores, int mebibytes, double expectedRate)
            throws InterruptedException {
        Bench.Topics topics = bench.topics(arm);
        bench.dispatcher(topics, Map.of(), List.of(), dispatcherCores);
        for (String core : cores) {
            bench.worker(topics, "worker-" + core, Map.of(), List.of("-XX:ActiveProcessorCount=1"), core);
        }
        return drainHashes(bench, topics, arm, mebibytes, expectedRate);
    }

    /** Once the arm's processes answer: the rate at which they drain a backlog of {@code compute.sha256}; ends the arm. */
    static double drainHashes(Bench bench, Bench.Topics topics, String arm, int mebibytes, double expectedRate) throws InterruptedException {
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
