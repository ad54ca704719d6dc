package io.taskpipe.activity;

import org.HdrHistogram.Histogram;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * One task type's (or lane's) results second by second, by the second each was read: how many, how many
 * failed, and the p50 and p99 of end-to-end time, queue wait and service time. Only the current second
 * keeps histograms; a closed second is a {@link Point}, and the last {@link #WINDOW_SECONDS} are kept.
 * Seconds without results are points too (count 0, no latencies), so a chart's time axis has no holes.
 */
final class Series {

    static final int WINDOW_SECONDS = 300;
    /** Latencies in microseconds, up to an hour, to 2 significant digits (1 %): about 25 KB per histogram. */
    private static final long MAX_MICROS = 3_600_000_000L;

    /** One closed second: latencies in milliseconds, null when nothing was measured. */
    public record Point(long second, int count, int failed, Double endToEndP50, Double endToEndP99, Double queueWaitP50,
                 Double queueWaitP99, Double serviceP50, Double serviceP99) {
    }

    private final Deque<Point> points = new ArrayDeque<>();
    private final Histogram endToEnd = new Histogram(MAX_MICROS, 2);
    private final Histogram queueWait = new Histogram(MAX_MICROS, 2);
    private final Histogram service = new Histogram(MAX_MICROS, 2);
    private long second = Long.MIN_VALUE;
    private int count;
    private int failed;

    /** One result read in second {@code now}; latencies in milliseconds, null when unknown. */
    void add(long now, boolean succeeded, Double endToEndMs, Double queueWaitMs, Double serviceMs) {
        closeBefore(now);
        second = now;
        count++;
        failed += succeeded ? 0 : 1;
        record(endToEnd, endToEndMs);
        record(queueWait, queueWaitMs);
        record(service, serviceMs);
    }

    /** Closes every second before {@code now}, empty ones included (at most a window's worth). */
    void closeBefore(long now) {
        if (second == Long.MIN_VALUE) {
            second = now;
            return;
        }
        if (now <= second) {
            return;
        }
        points.addLast(new Point(second, count, failed, p(endToEnd, 50), p(endToEnd, 99), p(queueWait, 50), p(queueWait, 99),
                p(service, 50), p(service, 99)));
        endToEnd.reset();
        queueWait.reset();
        service.reset();
        count = 0;
        failed = 0;
        for (long empty = Math.max(second + 1, now - WINDOW_SECONDS); empty < now; empty++) {
            points.addLast(new Point(empty, 0, 0, null, null, null, null, null, null));
        }
        while (points.size() > WINDOW_SECONDS) {
            points.removeFirst();
        }
        second = now;
    }

    /** The closed seconds after {@code since}, oldest first. */
    List<Point> after(long since) {
        return points.stream().filter(point -> point.second() > since).toList();
    }

    /** The last closed second, if any. */
    Point last() {
        return points.peekLast();
    }

    private static void record(Histogram histogram, Double millis) {
        if (millis != null) {
            histogram.recordValue(Math.clamp((long) (millis * 1000), 0, MAX_MICROS));
        }
    }

    private static Double p(Histogram histogram, double percentile) {
        return histogram.getTotalCount() == 0 ? null : histogram.getValueAtPercentile(percentile) / 1000.0;
    }
}
