package io.taskpipe.bench;

import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * G1, overhead against raw Kafka: the same open-loop rate of no-op tasks (1,000/s) through a plain
 * consumer → producer echo and through taskpipe ({@code io.sleep 0}), on the same broker and topic
 * settings; latency from intended send to result. Goal: p50 ≤ raw p50 + 2 ms, p99 ≤ 2 × raw p99.
 * <p>The arms run in the order raw, taskpipe, taskpipe, raw and each side's two histograms are
 * merged, so neither side profits from a broker that warmed up or a machine that drifted meanwhile.
 * Each arm's fresh process settles first ({@link Bench#settle}), as G5's do.
 */
final class OverheadGoal {

    private OverheadGoal() {
    }

    static List<Finding> run(Bench bench) throws InterruptedException {
        double rate = bench.scale(1000.0, 200.0);
        Histogram raw = new Histogram(3);
        Histogram taskpipe = new Histogram(3);
        raw.add(rawEcho(bench, rate, 1));
        taskpipe.add(taskpipe(bench, rate, 1));
        if (!bench.smoke()) {
            taskpipe.add(taskpipe(bench, rate, 2));
            raw.add(rawEcho(bench, rate, 2));
        }

        double rawP50 = ms(raw, 50), rawP99 = ms(raw, 99), tpP50 = ms(taskpipe, 50), tpP99 = ms(taskpipe, 99);
        String rateText = String.format("%.0f tasks/s", rate);
        return List.of(
                Finding.atMost("G1", "p50 overhead vs raw Kafka echo (ms) at " + rateText,
                        String.format("taskpipe p50 %.2f ms, raw p50 %.2f ms", tpP50, rawP50), tpP50 - rawP50, 2),
                Finding.atMost("G1", "p99 vs raw Kafka echo at " + rateText,
                        String.format("taskpipe p99 %.2f ms, raw p99 %.2f ms", tpP99, rawP99), tpP99 / rawP99, 2));
    }

    private static Histogram rawEcho(Bench bench, double rate, int round) throws InterruptedException {
        Bench.Topics topics = bench.topics("g1-raw-" + round);
        bench.main("g1-raw-echo-" + round, RawEcho.class, bench.bootstrap(), topics.tasks(), topics.results(), topics.prefix() + "-group");
        return measure(bench, topics, "g1-raw-" + round, rate);
    }

    private static Histogram taskpipe(Bench bench, double rate, int round) throws InterruptedException {
        Bench.Topics topics = bench.topics("g1-taskpipe-" + round);
        bench.dispatcher(topics, Map.of(), List.of(), null);
        return measure(bench, topics, "g1-taskpipe-" + round, rate);
    }

    private static Histogram measure(Bench bench, Bench.Topics topics, String arm, double rate) throws InterruptedException {
        bench.awaitAnswers(topics, "io.sleep", Bench.params("millis", 0));
        bench.settle(topics, arm, rate, 1000, Bench.sleeps(0));
        Duration warmup = bench.scale(Duration.ofSeconds(10), Duration.ofMillis(500));
        Duration measured = bench.scale(Duration.ofSeconds(20), Duration.ofSeconds(1));
        Histogram latency = bench.openLoop(topics, arm, rate, warmup, measured, 1000, Bench.sleeps(0)).stats().latency();
        bench.endArm();
        System.out.printf("  %s: p50 %.2f ms, p99 %.2f ms%n", arm, ms(latency, 50), ms(latency, 99));
        return latency;
    }

    static double ms(Histogram micros, double percentile) {
        return micros.getValueAtPercentile(percentile) / 1000.0;
    }
}
