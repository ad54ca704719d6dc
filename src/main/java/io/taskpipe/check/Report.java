package io.taskpipe.check;

import java.util.List;
import java.util.Map;

/**
 * What the checker found for one run.
 *
 * @param produced           tasks the run published
 * @param terminal           tasks with at least one result or dead letter
 * @param lost               tasks with neither (a sample of their ids in {@code lostIds})
 * @param duplicates         results beyond the first of their task
 * @param unmarkedDuplicates duplicates whose attempt does not exceed an earlier result's: replays that do not say
 *                           they are (possible only where starts are recorded asynchronously)
 * @param orderViolations    per key, tasks that started before a task of a lower {@code seq} (first results only)
 * @param overlappingRuns    per key and lane, under an ordering mode that serializes the key, runs (from every result,
 *                           replays included) that started before an earlier run of the key finished: one key in two
 *                           places at once
 * @param unexpected         tasks with an outcome that the run never published (a refused REST batch that ran anyway)
 * @param keysWithGaps       keys with a {@code seq} the run published but no outcome for
 * @param statuses           results by status (first result per task)
 * @param deadLetters        dead letters by code
 * @param p50Ms              end-to-end latency percentiles and maximum (first result per task)
 * @param maxStallMs         the longest time between two consecutive finishes: how long processing stood still
 */
public record Report(long produced, long terminal, long lost, List<String> lostIds, long duplicates, long unmarkedDuplicates,
                     long orderViolations, long overlappingRuns, long unexpected, long keysWithGaps, Map<String, Long> statuses, Map<String, Long> deadLetters,
                     double p50Ms, double p99Ms, double maxMs, double maxStallMs) {

    /**
     * No task lost, none out of order, no key in two places at once, nothing ran that was not published:
     * the promise. Duplicates are allowed (at least once) and reported.
     */
    public boolean passed() {
        return lost == 0 && orderViolations == 0 && overlappingRuns == 0 && unexpected == 0;
    }

    /** The report as aligned lines for a terminal. */
    public String format(String title) {
        return String.join("\n",
                "== " + title + " ==",
                row("produced", produced), row("terminal", terminal), row("lost", lost) + (lostIds.isEmpty() ? "" : "   e.g. " + lostIds),
                row("duplicate results", duplicates) + "   (unmarked: " + unmarkedDuplicates + ")",
                row("order violations", orderViolations), row("overlapping runs", overlappingRuns),
                row("unexpected", unexpected), row("keys with gaps", keysWithGaps),
                String.format("%-20s %s", "statuses", statuses), String.format("%-20s %s", "dead letters", deadLetters),
                String.format("%-20s p50 %.1f ms, p99 %.1f ms, max %.1f ms", "end-to-end latency", p50Ms, p99Ms, maxMs),
                String.format("%-20s %.1f s", "longest stall", maxStallMs / 1000),
                String.format("%-20s %s", "verdict", passed() ? "PASS" : "FAIL"));
    }

    private static String row(String name, long value) {
        return String.format("%-20s %d", name, value);
    }
}
