package io.taskpipe.bench;

import io.taskpipe.load.RunStats;
import io.taskpipe.load.Scenario.MixEntry;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * G9, the latency floor: one no-op task at a time, 10 a second, from intended send to result, against a
 * plain Kafka echo on the same broker with the same producer settings. The IO lane ({@code io.sleep 0})
 * against a one-hop echo (consume, produce the result); the CPU lane ({@code compute.sum n=1}, forwarded
 * by a dispatcher to a cpu-worker) against a two-hop echo (a relay to a second topic, then the echo).
 * Goal: p50 ≤ the echo's + 1 ms, p99 ≤ 1.5 × the echo's. As in G1, each pair of arms runs echo,
 * taskpipe, taskpipe, echo, and each side's histograms are merged.
 */
final class LatencyFloorGoal {

    static final double RATE = 10;
    static final List<MixEntry> NO_OP_CPU = List.of(new MixEntry("compute.sum", 1.0, Bench.params("n", 1), null));

    /** One side of a comparison: the processes of its arm. */
    interface Side {
        void start(Bench bench, Bench.Topics topics);
    }

    /** A plain consume-produce echo: consume a task, produce its result. */
    static final Side ONE_HOP = (b, topics) -> b.main(topics.prefix() + "-echo", RawEcho.class, b.bootstrap(), topics.tasks(),
            topics.results(), topics.prefix() + "-group");
    /** A relay to a second topic, then the echo: the path of a CPU task. */
    static final Side TWO_HOPS = (b, topics) -> {
        b.main(topics.prefix() + "-relay", RawEcho.class, b.bootstrap(), topics.tasks(), topics.cpuTasks(), topics.prefix() + "-relay",
                "relay");
        ONE_HOP.start(b, new Bench.Topics(topics.prefix(), topics.cpuTasks(), null, topics.results(), null));
    };
    static final Side IO_LANE = (b, topics) -> b.dispatcher(topics, Map.of(), List.of(), null);
    /** A dispatcher forwarding to one cpu-worker of two slots. */
    static final Side CPU_LANE = cpuLane(Map.of());

    /** {@link #CPU_LANE} with these settings of the worker's besides. */
    static Side cpuLane(Map<String, String> workerSettings) {
        Map<String, String> settings = new HashMap<>(workerSettings);
        settings.put("taskpipe.lanes.cpu.slots", "2");
        return (b, topics) -> {
            IO_LANE.start(b, topics);
            b.worker(topics, "worker", settings, List.of(), null);
        };
    }

    private LatencyFloorGoal() {
    }

    static List<Finding> run(Bench bench) throws InterruptedException {
        Histogram[] io = compare(bench, "g9-io", ONE_HOP, IO_LANE, Bench.sleeps(0));
        Histogram[] cpu = compare(bench, "g9-cpu", TWO_HOPS, CPU_LANE, NO_OP_CPU);
        return List.of(
                p50("IO lane (io.sleep 0) p50 over a one-hop Kafka echo (ms), one task at a time at 10/s", io),
                p99("IO lane p99 / one-hop Kafka echo p99, one task at a time at 10/s", io),
                p50("CPU lane (compute.sum 1) p50 over a two-hop Kafka echo (ms), one task at a time at 10/s", cpu),
                p99("CPU lane p99 / two-hop Kafka echo p99, one task at a time at 10/s", cpu));
    }

    /** The echo's latency and taskpipe's, each two arms merged (one of each in a smoke run). */
    private static Histogram[] compare(Bench bench, String name, Side echo, Side taskpipe, List<MixEntry> mix) throws InterruptedException {
        Histogram echoed = new Histogram(3);
        Histogram piped = new Histogram(3);
        echoed.add(arm(bench, name + "-echo-1", echo, mix));
        piped.add(arm(bench, name + "-taskpipe-1", taskpipe, mix));
        if (!bench.smoke()) {
            piped.add(arm(bench, name + "-taskpipe-2", taskpipe, mix));
            echoed.add(arm(bench, name + "-echo-2", echo, mix));
        }
        return new Histogram[] {echoed, piped};
    }

    private static Histogram arm(Bench bench, String name, Side side, List<MixEntry> mix) throws InterruptedException {
        Bench.Topics topics = bench.topics(name);
        side.start(bench, topics);
        MixEntry task = mix.getFirst();
        bench.awaitAnswers(topics, task.type(), task.params());
        Duration warmup = bench.scale(Duration.ofSeconds(5), Duration.ofMillis(500));
        Duration measured = bench.scale(Duration.ofSeconds(30), Duration.ofSeconds(1));
        RunStats stats = bench.openLoop(topics, name, RATE, warmup, measured, 50, mix).stats();
        bench.endArm();
        Histogram latency = stats.latency();
        System.out.printf("  %s: p50 %.2f ms, p99 %.2f ms%s%n", name, OverheadGoal.ms(latency, 50), OverheadGoal.ms(latency, 99),
                lanes(stats));
        return latency;
    }

    /** Where an arm's time went: each lane's queue-wait and service p99, as its results report them. */
    private static String lanes(RunStats stats) {
        StringBuilder lanes = new StringBuilder();
        stats.queueWaitByLane().forEach((lane, wait) -> lanes.append(String.format(" (%s lane queue wait p99 %.2f ms, service p99 %.2f ms)",
                lane, OverheadGoal.ms(wait, 99), OverheadGoal.ms(stats.serviceByLane().get(lane), 99))));
        return lanes.toString();
    }

    private static Finding p50(String claim, Histogram[] echoAndTaskpipe) {
        double echo = OverheadGoal.ms(echoAndTaskpipe[0], 50);
        double taskpipe = OverheadGoal.ms(echoAndTaskpipe[1], 50);
        return Finding.atMost("G9", claim, String.format("taskpipe p50 %.2f ms, echo p50 %.2f ms", taskpipe, echo), taskpipe - echo, 1);
    }

    private static Finding p99(String claim, Histogram[] echoAndTaskpipe) {
        double echo = OverheadGoal.ms(echoAndTaskpipe[0], 99);
        double taskpipe = OverheadGoal.ms(echoAndTaskpipe[1], 99);
        return Finding.atMost("G9", claim, String.format("taskpipe p99 %.2f ms, echo p99 %.2f ms", taskpipe, echo), taskpipe / echo, 1.5);
    }
}
