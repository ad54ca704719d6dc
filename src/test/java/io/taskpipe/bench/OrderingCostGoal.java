package io.taskpipe.bench;

import io.taskpipe.check.Checker;
import io.taskpipe.check.HistoryReader;
import io.taskpipe.check.Report;
import io.taskpipe.kafka.ClientSettings;
import io.taskpipe.load.LoadRun;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * G7, the cost of ordering: the same backlog of 50 ms tasks over 1,000 keys (10 × the in-flight cap
 * of 100) with the IO lane's ordering {@code KEY} and {@code NONE}. Goal: KEY ≥ 0.8 × NONE, and the
 * checker finds no order violation in the KEY run.
 */
final class OrderingCostGoal {

    private static final int CAP = 100;
    private static final int KEYS = 1000;
    private static final long WAIT_MS = 50;

    private OrderingCostGoal() {
    }

    static List<Finding> run(Bench bench) throws InterruptedException {
        Arm key = arm(bench, "g7-key", "KEY");
        Arm none = arm(bench, "g7-none", "NONE");
        return List.of(
                Finding.atLeast("G7", "KEY-ordered / unordered throughput (cap 100, 1,000 keys, 50 ms tasks)",
                        String.format("KEY %.0f tasks/s, NONE %.0f tasks/s", key.rate(), none.rate()), key.rate() / none.rate(), 0.8),
                new Finding("G7", "order violations in the KEY run (checker)", key.violations() + " among " + key.checked() + " results",
                        key.violations(), "= 0", key.violations() == 0),
                Finding.reported("G7", "order violations in the NONE run: the checker sees disorder where there is some",
                        none.violations() + " among " + none.checked() + " results", none.violations()));
    }

    private record Arm(double rate, long violations, long checked) {
    }

    private static Arm arm(Bench bench, String name, String ordering) throws InterruptedException {
        Bench.Topics topics = bench.topics(name);
        bench.dispatcher(topics, Map.of("taskpipe.lanes.io.max-in-flight", Integer.toString(CAP), "taskpipe.lanes.io.ordering", ordering),
                List.of(), null);
        bench.awaitAnswers(topics, "io.sleep", Bench.params("millis", 0));
        LoadRun.Outcome outcome = bench.drain(topics, name, CAP * 1000.0 / WAIT_MS, KEYS, Bench.sleeps(WAIT_MS));
        double rate = outcome.stats().resultsPerSecond(0.2, 0.9);
        bench.endArm(); // the dispatcher stops (and commits) first, so the history below is complete and final
        Set<String> ids = new HashSet<>();
        outcome.produced().forEach(p -> ids.add(p.taskId()));
        Report report = Checker.check(outcome.produced(), HistoryReader.read(ClientSettings.bootstrap(bench.bootstrap()).toMap(),
                topics.results(), topics.dlq(), ids::contains, Duration.ofSeconds(1)));
        System.out.printf("  %s: %.0f tasks/s, %d order violations%n", name, rate, report.orderViolations());
        return new Arm(rate, report.orderViolations(), report.terminal());
    }
}
