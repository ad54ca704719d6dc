package io.taskpipe.load;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything a load run measures, in microseconds on HdrHistograms: latency from each task's intended
 * send time to its result's arrival (overall and per type), each lane's queue wait and service time as
 * its results report them, statuses per type, and a per-second timeline. Thread-safe.
 */
public final class RunStats {

    /** One second of the run: tasks sent and results arrived in it, and their latencies. */
    public static final class Second {
        long sent;
        long done;
        final Histogram latency = histogram();
    }

    private final long warmupNanos;
    private final Histogram all = histogram();
    private final Map<String, Histogram> byType = new TreeMap<>();
    private final Map<String, Histogram> queueWaitByLane = new TreeMap<>();
    private final Map<String, Histogram> serviceByLane = new TreeMap<>();
    private final Map<String, Map<String, Long>> statuses = new TreeMap<>();
    private final List<Second> timeline = new ArrayList<>();
    private long[] arrivals = new long[1024];
    private long sent;
    private long done;
    private long duplicates;

    RunStats(long warmupNanos) {
        this.warmupNanos = warmupNanos;
    }

    static Histogram histogram() {
        Histogram histogram = new Histogram(3);
        histogram.setAutoResize(true);
        return histogram;
    }

    synchronized void sent(long atNanos) {
        sent++;
        second(atNanos).sent++;
    }

    /**
     * A task's first result arrived {@code atNanos} after the start; it was due {@code intendedNanos}
     * after the start. {@code queueWaitMs} and {@code serviceMs} are what the result reports.
     */
    synchronized void done(String type, String lane, String status, long intendedNanos, long atNanos,
                           double queueWaitMs, double serviceMs) {
        if (done == arrivals.length) {
            arrivals = Arrays.copyOf(arrivals, arrivals.length * 2);
        }
        arrivals[(int) done++] = atNanos;
        long latencyMicros = Math.max(0, (atNanos - intendedNanos) / 1000);
        Second second = second(atNanos);
        second.done++;
        second.latency.recordValue(latencyMicros);
        statuses.computeIfAbsent(type, t -> new TreeMap<>()).merge(status, 1L, Long::sum);
        if (intendedNanos < warmupNanos) {
            return;
        }
        all.recordValue(latencyMicros);
        byType.computeIfAbsent(type, t -> histogram()).recordValue(latencyMicros);
        if (lane != null) {
            queueWaitByLane.computeIfAbsent(lane, l -> histogram()).recordValue(Math.max(0, Math.round(queueWaitMs * 1000)));
            serviceByLane.computeIfAbsent(lane, l -> histogram()).recordValue(Math.max(0, Math.round(serviceMs * 1000)));
        }
    }

    synchronized void duplicate() {
        duplicates++;
    }

    public synchronized long sent() {
        return sent;
    }

    public synchronized long done() {
        return done;
    }

    public synchronized long duplicates() {
        return duplicates;
    }

    /**
     * Results per second between the arrival of the {@code from} and the {@code to} fraction of all
     * results (0.2 and 0.9: the steady middle, without start-up and tail): the least-squares slope of
     * results counted against their arrival times. Results often arrive in waves (a full lane's tasks
     * start together and end together); a slope fitted to every arrival does not depend, as a count
     * between two of them would, on where in a wave the window happens to begin and end.
     */
    public synchronized double resultsPerSecond(double from, double to) {
        int first = (int) Math.floor(done * from);
        int last = (int) Math.ceil(done * to) - 1;
        if (last - first < 2) {
            return 0;
        }
        int n = last - first + 1;
        double meanX = 0;
        double meanY = 0;
        for (int i = first; i <= last; i++) {
            meanX += (arrivals[i] - arrivals[first]) / 1e9;
            meanY += i;
        }
        meanX /= n;
        meanY /= n;
        double covariance = 0;
        double variance = 0;
        for (int i = first; i <= last; i++) {
            double dx = (arrivals[i] - arrivals[first]) / 1e9 - meanX;
            covariance += dx * (i - meanY);
            variance += dx * dx;
        }
        return variance == 0 ? 0 : covariance / variance;
    }

    /** When the last result so far arrived, in nanoseconds after the start (0 before the first). */
    public synchronized long lastArrivalNanos() {
        return done == 0 ? 0 : arrivals[(int) done - 1];
    }

    /** The 99th percentile of latency so far, in milliseconds (0 before the first result). */
    public synchronized double p99Ms() {
        return all.getTotalCount() == 0 ? 0 : all.getValueAtPercentile(99) / 1000.0;
    }

    /** A copy of the latency histogram over every type, after the warm-up. */
    public synchronized Histogram latency() {
        return all.copy();
    }

    synchronized Map<String, Histogram> latencyByType() {
        return copy(byType);
    }

    public synchronized Map<String, Histogram> queueWaitByLane() {
        return copy(queueWaitByLane);
    }

    public synchronized Map<String, Histogram> serviceByLane() {
        return copy(serviceByLane);
    }

    synchronized Map<String, Map<String, Long>> statuses() {
        Map<String, Map<String, Long>> copy = new TreeMap<>();
        statuses.forEach((type, counts) -> copy.put(type, new TreeMap<>(counts)));
        return copy;
    }

    /** The latency of the results that arrived from second {@code from} of the run up to (not including) second {@code to}. */
    public synchronized Histogram latencyArrivedIn(int from, int to) {
        Histogram merged = histogram();
        for (int second = Math.max(0, from); second < Math.min(to, timeline.size()); second++) {
            merged.add(timeline.get(second).latency);
        }
        return merged;
    }

    /** Per second of the run: tasks sent, results arrived, and the p99 latency of those results (µs; -1 when none). */
    synchronized List<long[]> timeline() {
        List<long[]> rows = new ArrayList<>();
        for (Second s : timeline) {
            rows.add(new long[] {s.sent, s.done, s.latency.getTotalCount() == 0 ? -1 : s.latency.getValueAtPercentile(99)});
        }
        return rows;
    }

    private Second second(long atNanos) {
        int index = (int) Math.max(0, atNanos / 1_000_000_000L);
        while (timeline.size() <= index) {
            timeline.add(new Second());
        }
        return timeline.get(index);
    }

    private static Map<String, Histogram> copy(Map<String, Histogram> histograms) {
        Map<String, Histogram> copy = new TreeMap<>();
        histograms.forEach((name, h) -> copy.put(name, h.copy()));
        return copy;
    }
}
