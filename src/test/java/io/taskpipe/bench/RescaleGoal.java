package io.taskpipe.bench;

import io.taskpipe.load.LoadRun;
import io.taskpipe.load.RunStats;
import io.taskpipe.load.Scenario;
import io.taskpipe.topology.AppProcess;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * G11, rescaling: CPU tasks ({@code compute.sum n=1}) at 100 a second through a dispatcher and one
 * cpu-worker; two more workers join (1 → 3), then stop with SIGTERM (3 → 1). Once with the classic
 * consumer group protocol (taskpipe's default: cooperative sticky assignor, static members), once with
 * KIP-848's ({@code kafka.group.protocol=consumer}, assignment by the broker). The longest stall is the
 * worst latency of a result from the rescaling's start on, less the p50 of the seconds before it (after
 * the load's first 5 s): how long partitions moving held a task up. Goal: the better protocol at most 200 ms. The joining workers start on the same two cores,
 * so their JVMs' own start is in the figure.
 */
final class RescaleGoal {

    private static final double RATE = 100;
    /** The load's first seconds warm the arm's processes up; the p50 of the next ones is the baseline. */
    private static final int SETTLE_SECONDS = 5;
    private static final int BEFORE_SECONDS = 10;

    /** What one protocol's arm measured, in ms. */
    private record Stall(String protocol, double worstMs, double p50BeforeMs) {
        double ms() {
            return worstMs - p50BeforeMs;
        }

        String measured() {
            return String.format("%s: worst latency %.0f ms, p50 before the rescaling %.1f ms", protocol, worstMs, p50BeforeMs);
        }
    }

    private RescaleGoal() {
    }

    static List<Finding> run(Bench bench) throws Exception {
        List<Stall> stalls = new ArrayList<>(List.of(arm(bench, "classic")));
        if (!bench.smoke()) {
            stalls.add(arm(bench, "consumer"));
        }
        Stall best = stalls.stream().min((a, b) -> Double.compare(a.ms(), b.ms())).orElseThrow();
        List<Finding> findings = new ArrayList<>(List.of(Finding.atMost("G11",
                "longest stall while cpu-workers go 1 → 3 → 1 under 100 CPU tasks/s (ms), the better group protocol (" + best.protocol() + ")",
                best.measured(), best.ms(), 200)));
        stalls.forEach(stall -> findings.add(Finding.reported("G11", "longest stall while cpu-workers go 1 → 3 → 1 (ms), "
                + stall.protocol() + " group protocol", stall.measured(), stall.ms())));
        return findings;
    }

    private static Stall arm(Bench bench, String protocol) throws Exception {
        String name = "g11-rescale-" + protocol;
        Bench.Topics topics = bench.topics(name);
        Map<String, String> settings = Map.of("kafka.group.protocol", protocol);
        bench.dispatcher(topics, settings, List.of(), null);
        bench.worker(topics, "worker-1", settings, List.of(), null);
        bench.awaitAnswers(topics, LatencyFloorGoal.NO_OP_CPU.getFirst().type(), LatencyFloorGoal.NO_OP_CPU.getFirst().params());

        Scenario steady = new Scenario(name, "", 7L, 100, Duration.ZERO,
                List.of(Scenario.Phase.steady(RATE, Duration.ofSeconds(bench.scale(60, 45)))), LatencyFloorGoal.NO_OP_CPU, List.of());
        LoadRun load = new LoadRun(steady, topics.target(bench.bootstrap()));
        CompletableFuture<LoadRun.Outcome> running = CompletableFuture.supplyAsync(() -> {
            try {
                return load.run(Duration.ofSeconds(60), run -> { });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
        awaitSecond(load, BEFORE_SECONDS);
        List<AppProcess> joining = List.of(bench.worker(topics, "worker-2", settings, List.of(), null),
                bench.worker(topics, "worker-3", settings, List.of(), null));
        bench.awaitReady();
        long up = load.elapsedNanos();
        awaitSecond(load, (int) TimeUnit.NANOSECONDS.toSeconds(up) + 5);
        joining.parallelStream().forEach(worker -> worker.terminate(Duration.ofSeconds(30)));
        System.out.printf("  %s: 1 → 3 from %d s, all ready at %d s, 3 → 1 from %d s, done at %d s%n", name, BEFORE_SECONDS,
                TimeUnit.NANOSECONDS.toSeconds(up), TimeUnit.NANOSECONDS.toSeconds(up) + 5, TimeUnit.NANOSECONDS.toSeconds(load.elapsedNanos()));
        RunStats stats = running.get(3, TimeUnit.MINUTES).stats();
        bench.endArm();
        Histogram before = stats.latencyArrivedIn(SETTLE_SECONDS, BEFORE_SECONDS);
        Histogram rescaling = stats.latencyArrivedIn(BEFORE_SECONDS, Integer.MAX_VALUE);
        Stall stall = new Stall(protocol, rescaling.getMaxValue() / 1000.0, OverheadGoal.ms(before, 50));
        List<Long> worst = new ArrayList<>();
        for (int second = 0; stats.latencyArrivedIn(second, Integer.MAX_VALUE).getTotalCount() > 0; second++) {
            worst.add(stats.latencyArrivedIn(second, second + 1).getMaxValue() / 1000);
        }
        System.out.printf("  %s: %s; worst latency (ms) of each second's results: %s%n", name, stall.measured(), worst);
        return stall;
    }

    /** Waits until the load has run {@code second} seconds: the arm's steps follow the load's clock. */
    private static void awaitSecond(LoadRun load, int second) throws InterruptedException {
        while (load.elapsedNanos() < TimeUnit.SECONDS.toNanos(second)) {
            Thread.sleep(50);
        }
    }
}
