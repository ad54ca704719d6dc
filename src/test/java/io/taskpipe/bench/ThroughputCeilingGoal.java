package io.taskpipe.bench;

import io.taskpipe.kafka.ClientSettings;
import io.taskpipe.kafka.TopicReader;
import io.taskpipe.load.LoadRun;
import io.taskpipe.load.Scenario.MixEntry;
import io.taskpipe.load.Scenario.Phase;
import io.taskpipe.load.TaskSender;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.awaitility.core.ConditionTimeoutException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntConsumer;

import static org.awaitility.Awaitility.await;

/**
 * G10, throughput ceilings: a backlog of no-op tasks over 10,000 keys, published before the arm's
 * processes start, then drained with the machine to themselves. The IO lane ({@code io.sleep 0})
 * against a plain consume-produce echo ({@link RawEcho}); the CPU lane ({@code compute.sum n=1}, a
 * dispatcher forwarding to one cpu-worker of two slots) against the IO lane. A rate is read from the
 * results' own timestamps, between the 30 % and the 90 % result (the first part warms the JIT up).
 * Goals: IO ≥ 0.7 × echo; CPU ≥ 0.5 × IO. Reported: the CPU lane with a commit before every start
 * ({@code start-commit=EACH}) against the default ({@code AHEAD}).
 */
final class ThroughputCeilingGoal {

    private static final int KEYS = 10_000;

    private ThroughputCeilingGoal() {
    }

    static List<Finding> run(Bench bench) throws InterruptedException {
        Drain echo = drain(bench, "g10-echo", LatencyFloorGoal.ONE_HOP, Bench.sleeps(0));
        Drain io = drain(bench, "g10-io", LatencyFloorGoal.IO_LANE, Bench.sleeps(0));
        Drain cpu = drain(bench, "g10-cpu", LatencyFloorGoal.CPU_LANE, LatencyFloorGoal.NO_OP_CPU);
        Drain cpuEach = drain(bench, "g10-cpu-each", LatencyFloorGoal.cpuLane(Map.of("taskpipe.lanes.cpu.start-commit", "EACH")),
                LatencyFloorGoal.NO_OP_CPU);
        return List.of(
                Finding.atLeast("G10", "IO lane (io.sleep 0) draining a backlog / a raw consume-produce echo",
                        String.format("IO lane %.0f tasks/s, echo %.0f tasks/s", io.rate(), echo.rate()), io.rate() / echo.rate(), 0.7),
                Finding.reported("G10", "IO lane's CPU time per task / the echo's (µs of the arm's own processes, the broker's not counted)",
                        String.format("IO lane %.0f µs, echo %.0f µs", io.cpuMicros(), echo.cpuMicros()), io.cpuMicros() / echo.cpuMicros()),
                Finding.atLeast("G10", "CPU lane (compute.sum 1, one worker, 2 slots) draining a backlog / the IO lane",
                        String.format("CPU lane %.0f tasks/s, IO lane %.0f tasks/s", cpu.rate(), io.rate()), cpu.rate() / io.rate(), 0.5),
                Finding.reported("G10", "CPU lane's CPU time per task (dispatcher and worker) / the IO lane's",
                        String.format("CPU lane %.0f µs, IO lane %.0f µs", cpu.cpuMicros(), io.cpuMicros()), cpu.cpuMicros() / io.cpuMicros()),
                Finding.reported("G10", "CPU lane with a commit before every start (start-commit=EACH) / with starts committed ahead (AHEAD)",
                        String.format("EACH %.0f tasks/s, AHEAD %.0f tasks/s", cpuEach.rate(), cpu.rate()), cpuEach.rate() / cpu.rate()));
    }

    /** An arm's drain rate, and the CPU time its own processes spent per task over the same stretch of results. */
    record Drain(double rate, double cpuMicros) {
    }

    /** Publishes the backlog, starts the arm, and reads its drain rate from the results' timestamps. */
    private static Drain drain(Bench bench, String name, LatencyFloorGoal.Side side, List<MixEntry> mix) throws InterruptedException {
        Bench.Topics topics = bench.topics(name);
        int tasks;
        try (TaskSender sender = new TaskSender(quickToGiveUp(topics.target(bench.bootstrap())), name, 7L, KEYS)) {
            sender.run(List.of(Phase.burst(bench.scale(100_000, 1_000))), mix);
            tasks = (int) (sender.produced().size() - sender.errors());
            if (sender.errors() > 0) {
                System.out.printf("  %s: %d sends of the backlog failed, first: %s%n", name, sender.errors(), sender.firstError());
            }
        }
        side.start(bench, topics);
        int from = (int) (0.3 * tasks), to = (int) (0.9 * tasks);
        Map<Integer, Duration> cpuAt = new ConcurrentHashMap<>();
        List<Long> finished = resultTimes(bench.bootstrap(), topics.results(), tasks, Duration.ofMinutes(5), arrived -> {
            if (arrived == from || arrived == to) {
                cpuAt.put(arrived, bench.armCpu());
            }
        });
        bench.endArm();
        double rate = rate(finished, tasks);
        double cpuMicros = cpuAt.size() < 2 ? Double.NaN : cpuAt.get(to).minus(cpuAt.get(from)).toNanos() / 1000.0 / (to - from);
        System.out.printf("  %s: %d of %d results, %.0f tasks/s, %.0f µs of CPU per task%n", name, finished.size(), tasks, rate, cpuMicros);
        return new Drain(rate, cpuMicros);
    }

    /**
     * A backlog's sends retried after 5 s and given up after 10 s (a handful, counted out of the backlog):
     * into a topic just created, a few of a burst's first batches have waited out the default two minutes.
     */
    private static LoadRun.Target quickToGiveUp(LoadRun.Target target) {
        Map<String, Object> kafka = new HashMap<>(target.kafka());
        kafka.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        kafka.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        return new LoadRun.Target(kafka, target.tasksTopic(), target.resultsTopic(), target.dlqTopic(), target.httpBase());
    }

    /** The timestamps of the topic's records, sorted, once {@code expected} are there or the time is up; {@code arrived} hears each count. */
    private static List<Long> resultTimes(String bootstrap, String topic, int expected, Duration within, IntConsumer arrived) {
        List<Long> times = Collections.synchronizedList(new ArrayList<>());
        try (TopicReader reader = new TopicReader(ClientSettings.bootstrap(bootstrap).toMap(), List.of(topic), TopicReader.From.BEGINNING)
                .follow("g10-results", result -> {
                    times.add(result.timestamp());
                    arrived.accept(times.size());
                })) {
            await().atMost(within).pollInterval(Duration.ofMillis(200)).until(() -> times.size() >= expected);
        } catch (ConditionTimeoutException e) {
            // fewer came back: the rate is read from those
        }
        List<Long> sorted = new ArrayList<>(times);
        Collections.sort(sorted);
        return sorted;
    }

    /** Results a second between the 30 % and the 90 % of those expected (of those that came, if fewer). */
    static double rate(List<Long> sortedTimes, int expected) {
        int n = Math.min(sortedTimes.size(), expected);
        int from = (int) (0.3 * n);
        int to = (int) Math.ceil(0.9 * n) - 1;
        if (to <= from) {
            return Double.NaN;
        }
        double seconds = Math.max(1, sortedTimes.get(to) - sortedTimes.get(from)) / 1000.0;
        return (to - from) / seconds;
    }
}
