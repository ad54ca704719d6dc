package io.taskpipe.bench;

import io.taskpipe.tasks.TaskContext;
import io.taskpipe.tasks.cpu.Sha256Task;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * G5, isolation: the IO lane's p99 under a steady stream of waiting tasks, with the CPU lane idle and
 * with it saturated (a stream of {@code compute.sha256} at 1.5 × what its worker can do, the worker
 * limited to one core as a Kubernetes CPU limit would). Goal: saturated ≤ 1.2 × idle. The control
 * arm routes the same computing tasks onto the IO lane's virtual threads instead: it must show the
 * interference (≥ 5 × worse), or the harness could not see it.
 * <p>The dispatcher, the broker and the load generator share core 0; the worker has core 1. The idle
 * and saturated arms run twice each (idle, saturated, saturated, idle) and each side's histograms are merged.
 */
final class IsolationGoal {

    /** Few, long computing tasks: they saturate the worker as well as many short ones, and cost the shared broker less. */
    static final int MEBIBYTES = 128;
    static final double IO_RATE = 200;
    static final long IO_WAIT_MS = 20;

    private IsolationGoal() {
    }

    static List<Finding> run(Bench bench) throws InterruptedException {
        if (Cpus.available() < 2) {
            return List.of(new Finding("G5", "isolation needs 2 cores to pin the lanes apart", "only " + Cpus.available(), Double.NaN, "-", false));
        }
        int cores = Cpus.available(); // before pinning, which changes what the JVM sees
        double cpuRate = 1.5 * oneCoreRate();
        System.out.printf("  one core computes %.1f compute.sha256(%d MiB)/s; the CPU stream runs at %.1f/s%n", cpuRate / 1.5, MEBIBYTES, cpuRate);
        Cpus.pinThisProcess("0");
        try {
            // idle, saturated, saturated, idle: neither side profits from a broker that warmed up meanwhile
            Histogram idleLatency = new Histogram(3);
            Histogram saturatedLatency = new Histogram(3);
            idleLatency.add(arm(bench, "g5-cpu-idle-1", 0, Map.of(), false).latency());
            saturatedLatency.add(arm(bench, "g5-cpu-saturated-1", cpuRate, Map.of(), false).latency());
            if (!bench.smoke()) {
                saturatedLatency.add(arm(bench, "g5-cpu-saturated-2", cpuRate, Map.of(), false).latency());
                idleLatency.add(arm(bench, "g5-cpu-idle-2", 0, Map.of(), false).latency());
            }
            double idle = OverheadGoal.ms(idleLatency, 99);
            double saturated = OverheadGoal.ms(saturatedLatency, 99);
            double control = OverheadGoal.ms(arm(bench, "g5-control-cpu-on-io-lane", cpuRate, ON_IO_LANE, true).latency(), 99);
            double machine = CoreInterference.slowdown(bench.scale(Duration.ofSeconds(3), Duration.ofMillis(300)), bench.smoke() ? 1 : 4);
            String io = String.format("io.sleep %d ms at %.0f/s", IO_WAIT_MS, IO_RATE);
            return List.of(
                    Finding.atMost("G5", "IO p99 with the CPU lane saturated / idle (" + io + ")",
                            String.format("p99 %.1f ms saturated, %.1f ms idle", saturated, idle), saturated / idle, 1.2),
                    Finding.atLeast("G5", "control: IO p99 with the same computing tasks on the IO lane / idle",
                            String.format("p99 %.1f ms, idle %.1f ms", control, idle), control / idle, 5),
                    Finding.reported("G5", "the machine: a loop of a dispatcher's work (a result's JSON written and read) on core 0, "
                            + "its rate with core 1 idle / with core 1 computing compute.sha256, no taskpipe process running",
                            String.format("%.2f x slower while core 1 computes", machine), machine));
        } finally {
            Cpus.pinThisProcess("0-" + (cores - 1));
        }
    }

    /** The control: the computing type pinned to the IO lane. */
    static final Map<String, String> ON_IO_LANE = Map.of("taskpipe.routing.\"compute.sha256\"", "IO");

    /** compute.sha256 tasks per second on one core, measured here, after a warm-up. */
    static double oneCoreRate() {
        Sha256Task task = new Sha256Task();
        TaskContext context = new TaskContext(Instant.now().plus(Duration.ofHours(1)));
        for (int i = 0; i < 5; i++) {
            task.run(new Sha256Task.Params(MEBIBYTES, (long) i), context);
        }
        long start = System.nanoTime();
        int runs = 10;
        for (int i = 0; i < runs; i++) {
            task.run(new Sha256Task.Params(MEBIBYTES, (long) i), context);
        }
        return runs / ((System.nanoTime() - start) / 1e9);
    }

    /**
     * One arm's outcome: the IO tasks' latency, when the computing stream began, and the dispatcher's
     * {@code GET /types} at the arm's end ({@code typesAt}).
     */
    record Arm(Histogram latency, Instant streamStart, String types, Instant typesAt) {
    }

    /**
     * One arm: the dispatcher (on core 0, with {@code settings}) and a worker (core 1), the IO tasks'
     * latency under a stream of computing tasks at {@code cpuRate} (none when 0). A control arm, whose
     * computing tasks run on the IO lane, does not settle and is measured for less time: its dispatcher
     * falls behind for as long as the stream lasts, and only has to show that it does.
     */
    static Arm arm(Bench bench, String arm, double cpuRate, Map<String, String> settings, boolean control) throws InterruptedException {
        Bench.Topics topics = bench.topics(arm);
        List<String> oneCore = List.of("-XX:ActiveProcessorCount=1");
        var dispatcher = bench.dispatcher(topics, settings, oneCore, "0");
        bench.worker(topics, "worker", Map.of(), oneCore, "1");
        bench.awaitAnswers(topics, "compute.sum", Bench.params("n", 1)); // reaches the worker, and is too short to teach routing anything
        if (!control) {
            bench.settle(topics, arm, IO_RATE, 200, Bench.sleeps(IO_WAIT_MS));
        }
        Duration warmup = bench.scale(Duration.ofSeconds(5), Duration.ofMillis(500));
        Duration measured = bench.scale(Duration.ofSeconds(control ? 10 : 20), Duration.ofSeconds(1));
        io.taskpipe.load.RunStats stats;
        Histogram latency;
        Instant streamStart = Instant.now();
        try (BackgroundLoad ignored = cpuRate > 0
                ? new BackgroundLoad(bench.bootstrap(), topics.tasks(), "compute.sha256", Bench.params("mebibytes", MEBIBYTES), cpuRate,
                warmup.plus(measured)) : null) {
            stats = bench.openLoop(topics, arm, IO_RATE, warmup, measured, 200, Bench.sleeps(IO_WAIT_MS)).stats();
            latency = stats.latency();
        }
        Instant typesAt = Instant.now();
        String types = dispatcher.get("/types");
        bench.endArm();
        System.out.printf("  %s: IO p50 %.1f ms, p99 %.1f ms (lane queue wait p99 %.1f ms, service p99 %.1f ms)%n", arm,
                OverheadGoal.ms(latency, 50), OverheadGoal.ms(latency, 99),
                OverheadGoal.ms(stats.queueWaitByLane().get("IO"), 99), OverheadGoal.ms(stats.serviceByLane().get("IO"), 99));
        return new Arm(latency, streamStart, types, typesAt);
    }
}
