package io.taskpipe.load;

import io.taskpipe.check.Report;
import org.HdrHistogram.Histogram;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The result of a load run as {@code summary.json} holds it, and as the terminal shows it. Latencies
 * are in milliseconds, measured from each task's intended send time to the arrival of its result.
 */
public record Summary(String scenario, String description, String runId, Instant startedAt, double elapsedS,
                      long planned, long sent, long done, long sendErrors, long duplicateResults, boolean drained,
                      double resultsPerS, Percentiles latencyMs, Map<String, Percentiles> latencyMsByType,
                      Map<String, LaneBreakdown> lanes, Map<String, Map<String, Long>> statuses,
                      List<TimelinePoint> timeline, Report checker) {

    public record Percentiles(long count, double p50, double p90, double p99, double p999, double max, double mean) {

        static Percentiles of(Histogram micros) {
            if (micros.getTotalCount() == 0) {
                return new Percentiles(0, 0, 0, 0, 0, 0, 0);
            }
            return new Percentiles(micros.getTotalCount(), ms(micros.getValueAtPercentile(50)), ms(micros.getValueAtPercentile(90)),
                    ms(micros.getValueAtPercentile(99)), ms(micros.getValueAtPercentile(99.9)), ms(micros.getMaxValue()),
                    Math.round(micros.getMean()) / 1000.0);
        }
    }

    /** A lane's time split: waiting in its queue, and being served, as its results report them. */
    public record LaneBreakdown(Percentiles queueWaitMs, Percentiles serviceMs) {
    }

    /** One second of the run: tasks sent, results arrived, p99 latency of those results (null when none). */
    public record TimelinePoint(int second, long sent, long done, Double p99Ms) {
    }

    public static Summary of(LoadRun.Outcome outcome, Report checker) {
        RunStats stats = outcome.stats();
        Map<String, Percentiles> byType = new LinkedHashMap<>();
        stats.latencyByType().forEach((type, h) -> byType.put(type, Percentiles.of(h)));
        Map<String, LaneBreakdown> lanes = new LinkedHashMap<>();
        Map<String, Histogram> service = stats.serviceByLane();
        stats.queueWaitByLane().forEach((lane, wait) -> lanes.put(lane, new LaneBreakdown(Percentiles.of(wait), Percentiles.of(service.get(lane)))));
        List<TimelinePoint> timeline = new ArrayList<>();
        List<long[]> rows = stats.timeline();
        for (int i = 0; i < rows.size(); i++) {
            long[] row = rows.get(i);
            timeline.add(new TimelinePoint(i, row[0], row[1], row[2] < 0 ? null : ms(row[2])));
        }
        double elapsed = outcome.elapsed().toNanos() / 1e9;
        return new Summary(outcome.scenario().name(), outcome.scenario().description(), outcome.runId(), outcome.startedAt(),
                Math.round(elapsed * 100) / 100.0, outcome.planned(), stats.sent(), stats.done(), outcome.sendErrors(),
                stats.duplicates(), outcome.drained(), Math.round(stats.done() / elapsed * 10) / 10.0,
                Percentiles.of(stats.latency()), byType, lanes, stats.statuses(), timeline, checker);
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }

    /** The summary as aligned text for a terminal. */
    public String table() {
        StringBuilder out = new StringBuilder();
        out.append(String.format("== %s (run %s) ==%n", scenario, runId));
        out.append(String.format("sent %,d of %,d in %.1f s; %,d results (%,.1f/s), %,d send errors, %,d duplicate results%s%n",
                sent, planned, elapsedS, done, resultsPerS, sendErrors, duplicateResults,
                drained ? "" : "; NOT DRAINED: some tasks had no result by the drain timeout"));
        out.append(String.format("%n%-28s %9s %9s %9s %9s %9s %9s%n", "latency (ms, from intended send)", "count", "p50", "p90", "p99", "p99.9", "max"));
        out.append(latencyRow("all types", latencyMs));
        latencyMsByType.forEach((type, p) -> out.append(latencyRow(type, p)));
        if (!lanes.isEmpty()) {
            out.append(String.format("%n%-28s %12s %12s %12s %12s%n", "lane (ms, as results report)", "wait p50", "wait p99", "service p50", "service p99"));
            lanes.forEach((lane, b) -> out.append(String.format("%-28s %12.1f %12.1f %12.1f %12.1f%n",
                    lane, b.queueWaitMs().p50(), b.queueWaitMs().p99(), b.serviceMs().p50(), b.serviceMs().p99())));
        }
        out.append(String.format("%nstatuses: %s%n", statuses));
        out.append(String.format("checker: lost %d, duplicates %d (unmarked %d), order violations %d, keys with gaps %d: %s%n",
                checker.lost(), checker.duplicates(), checker.unmarkedDuplicates(), checker.orderViolations(), checker.keysWithGaps(),
                checker.passed() ? "PASS" : "FAIL"));
        return out.toString();
    }

    private static String latencyRow(String name, Percentiles p) {
        return String.format("%-28s %,9d %9.1f %9.1f %9.1f %9.1f %9.1f%n", name, p.count(), p.p50(), p.p90(), p.p99(), p.p999(), p.max());
    }
}
