package io.taskpipe.activity;

import io.taskpipe.contract.ResultSummary;
import io.taskpipe.contract.TaskResult;
import io.taskpipe.contract.TaskResult.Status;
import io.taskpipe.tasks.TaskTypes;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the pipeline did lately, as a dispatcher sees it from the results topic (every lane's results,
 * every process's) and the dead-letter topic: totals by status, each task type's and lane's results
 * second by second ({@link Series}), and the most recent failures. Results are counted by the second
 * they are read, so a chart's last point is never revised; a result read long after it finished (the
 * topic's history, read at start) counts in the totals but not in the charts.
 */
@ApplicationScoped
public class Activity {

    /** A result older than this when read is history: counted, not charted. */
    static final Duration CHARTED_AGE = Duration.ofSeconds(30);
    static final int MAX_FAILURES = 200;
    /** The series of every type no handler knows (a hostile or newer producer's): the set of series stays bounded. */
    static final String OTHER_TYPE = "(other)";
    private static final int MAX_TEXT = 300;

    /**
     * One task type's or lane's counts since this process started reading, its results in the last closed
     * second, and its seconds after a client's cursor.
     */
    public record SeriesView(String name, String lane, long total, long failed, int lastSecond, List<Series.Point> points) {
    }

    /** What {@link #view} returns: totals by status, series and failures read after a client's cursor. */
    public record View(long second, Map<String, Long> totals, List<SeriesView> types, List<SeriesView> lanes, List<Failure> failures) {
    }

    private static final class Tally {
        final Series series = new Series();
        String lane;
        long total;
        long failed;
    }

    private final TaskTypes known;
    private final Map<String, Tally> types = new TreeMap<>();
    private final Map<String, Tally> lanes = new TreeMap<>();
    private final Map<String, Long> totals = new LinkedHashMap<>();
    private final Deque<Failure> failures = new ArrayDeque<>();
    private long failureSeq;

    public Activity(TaskTypes known) {
        this.known = known;
        for (Status status : Status.values()) {
            totals.put(status.name(), 0L);
        }
        totals.put(Failure.DEAD_LETTER, 0L);
    }

    /** A result read now from the results topic. */
    public void result(ResultSummary result) {
        result(result, Instant.now());
    }

    synchronized void result(ResultSummary result, Instant now) {
        if (result.status() == null) {
            return;
        }
        totals.merge(result.status().name(), 1L, Long::sum);
        boolean succeeded = result.status() == Status.SUCCEEDED;
        String lane = result.lane() == null ? "NONE" : result.lane().name();
        TaskResult.Timing timing = result.timing();
        boolean charted = timing != null && timing.finishedAt() != null && timing.finishedAt().isAfter(now.minus(CHARTED_AGE));
        String type = result.type() != null && known.find(result.type()).isPresent() ? result.type() : OTHER_TYPE;
        for (Tally tally : List.of(tally(types, type), tally(lanes, lane))) {
            tally.lane = lane;
            tally.total++;
            tally.failed += succeeded ? 0 : 1;
            if (charted) {
                tally.series.add(now.getEpochSecond(), succeeded, timing.endToEndMs(), Math.max(0, timing.queueWaitMs()),
                        timing.serviceMs());
            }
        }
        if (!succeeded) {
            TaskResult.Error error = result.error();
            TaskResult.Worker worker = result.worker();
            fail(now, result.status().name(), error == null ? null : error.code().name(), error == null ? null : error.message(),
                    result.taskId(), result.type(), lane, result.attempt(), worker == null ? null : worker.host() + " pid " + worker.pid());
        }
    }

    /** A record read now from the dead-letter topic: why (its code and reason headers), and what of it could be read. */
    public synchronized void deadLetter(String code, String reason, String taskId, String type, String where) {
        totals.merge(Failure.DEAD_LETTER, 1L, Long::sum);
        fail(Instant.now(), Failure.DEAD_LETTER, code, reason, taskId, type, null, null, where);
    }

    private void fail(Instant at, String status, String code, String reason, String taskId, String type, String lane,
                      Integer attempt, String where) {
        failures.addLast(new Failure(++failureSeq, at, status, code, cut(reason), cut(taskId), cut(type), lane, attempt, where));
        while (failures.size() > MAX_FAILURES) {
            failures.removeFirst();
        }
    }

    /** Everything as of {@code now}: every series' seconds after {@code sinceSecond}, the failures after {@code sinceFailure}. */
    public synchronized View view(Instant now, long sinceSecond, long sinceFailure) {
        long second = now.getEpochSecond();
        return new View(second, Map.copyOf(totals), views(types, second, sinceSecond), views(lanes, second, sinceSecond),
                failures.stream().filter(failure -> failure.seq() > sinceFailure).toList());
    }

    private static List<SeriesView> views(Map<String, Tally> tallies, long second, long since) {
        return tallies.entrySet().stream().map(entry -> {
            Tally tally = entry.getValue();
            tally.series.closeBefore(second);
            Series.Point last = tally.series.last();
            return new SeriesView(entry.getKey(), tally.lane, tally.total, tally.failed, last == null ? 0 : last.count(),
                    tally.series.after(since));
        }).toList();
    }

    private static Tally tally(Map<String, Tally> tallies, String name) {
        return tallies.computeIfAbsent(name, n -> new Tally());
    }

    private static String cut(String text) {
        return TaskResult.cut(text, MAX_TEXT);
    }
}
