package io.taskpipe.bench;

import io.taskpipe.load.LoadRun;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * G1, overhead against raw Kafka: the same open-loop rate of no-op tasks (1,000/s) through a plain
 * consumer → producer echo and through taskpipe ({@code io.sleep 0}), on the same broker and topic
 * settings; latency from intended send to result. Goal: p50 ≤ raw p50 + 2 ms, p99 ≤ 2 × raw p99.
 */
final class OverheadGoal {

    private OverheadGoal() {
    }

    static List<Finding> run(Bench bench) throws InterruptedException {
        double rate = bench.scale(1000.0, 200.0);
        Duration warmup = bench.scale(Duration.ofSeconds(10), Duration.ofMillis(500));
        Duration measured = bench.scale(Duration.ofSeconds(30), Duration.ofSeconds(1));

        Bench.Topics rawTopics = bench.topics("g1-raw");
        bench.main("g1-raw-echo", RawEcho.class, bench.bootstrap(), rawTopics.tasks(), rawTopics.results(), rawTopics.prefix() + "-group");
        bench.awaitAnswers(rawTopics, "io.sleep", Bench.params("millis", 0));
        Histogram raw = bench.openLoop(rawTopics, "g1-raw", rate, warmup, measured, 1000, Bench.sleeps(0)).stats().latency();
        bench.endArm();

        Bench.Topics tpTopics = bench.topics("g1-taskpipe");
        bench.dispatcher(tpTopics, Map.of(), List.of(), null);
        bench.awaitAnswers(tpTopics, "io.sleep", Bench.params("millis", 0));
        LoadRun.Outcome outcome = bench.openLoop(tpTopics, "g1-taskpipe", rate, warmup, measured, 1000, Bench.sleeps(0));
        Histogram taskpipe = outcome.stats().latency();
        bench.endArm();

        double rawP50 = ms(raw, 50), rawP99 = ms(raw, 99), tpP50 = ms(taskpipe, 50), tpP99 = ms(taskpipe, 99);
        String rateText = String.format("%.0f tasks/s", rate);
        return List.of(
                Finding.atMost("G1", "p50 overhead vs raw Kafka echo (ms) at " + rateText,
                        String.format("taskpipe p50 %.2f ms, raw p50 %.2f ms", tpP50, rawP50), tpP50 - rawP50, 2),
                Finding.atMost("G1", "p99 vs raw Kafka echo at " + rateText,
                        String.format("taskpipe p99 %.2f ms, raw p99 %.2f ms", tpP99, rawP99), tpP99 / rawP99, 2));
    }

    static double ms(Histogram micros, double percentile) {
        return micros.getValueAtPercentile(percentile) / 1000.0;
    }
}
