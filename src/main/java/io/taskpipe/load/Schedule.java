package io.taskpipe.load;

import io.taskpipe.load.Scenario.Phase;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The open-loop arrival schedule: when the i-th task is meant to be sent, counted from the start of
 * the run. Tasks are due at these times whether or not earlier ones have been answered, and latency
 * is measured from them, so a stalled pipeline shows as latency instead of hiding in a slower send
 * rate (no coordinated omission).
 */
public final class Schedule {

    private record Stretch(Phase phase, long firstTask, long tasks, long startNanos, long lengthNanos) {
    }

    private final List<Stretch> stretches = new ArrayList<>();
    private final long count;
    private final long lengthNanos;

    public Schedule(List<Phase> phases) {
        long tasks = 0;
        long start = 0;
        for (Phase phase : phases) {
            long length;
            long n;
            if (phase.count() != null) {
                n = phase.count();
                length = phase.rate() > 0 ? Math.round(n / phase.rate() * 1e9) : 0;
            } else {
                length = phase.duration().toNanos();
                double seconds = length / 1e9;
                n = (long) Math.floor(phase.rate() != null ? phase.rate() * seconds : (phase.from() + phase.to()) / 2 * seconds);
            }
            stretches.add(new Stretch(phase, tasks, n, start, length));
            tasks += n;
            start += length;
        }
        this.count = tasks;
        this.lengthNanos = start;
    }

    /** Tasks in the whole schedule. */
    public long count() {
        return count;
    }

    /** From the first phase's start to the last phase's end. */
    public Duration length() {
        return Duration.ofNanos(lengthNanos);
    }

    /** When task {@code i} (from 0) is due, in nanoseconds after the start. */
    public long offsetNanos(long i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("task " + i + " of " + count);
        }
        Stretch s = stretches.get(0);
        for (Stretch candidate : stretches) {
            if (candidate.firstTask() <= i) {
                s = candidate;
            }
        }
        long j = i - s.firstTask();
        Phase p = s.phase();
        double seconds;
        if (p.rate() != null) {
            seconds = p.rate() > 0 ? j / p.rate() : 0;
        } else {
            // a linear ramp: tasks sent by time t are from*t + (to-from)*t^2/(2T); solve for t
            double length = s.lengthNanos() / 1e9;
            double a = (p.to() - p.from()) / (2 * length);
            seconds = Math.abs(a) < 1e-12 ? j / p.from() : (-p.from() + Math.sqrt(p.from() * p.from() + 4 * a * j)) / (2 * a);
        }
        return s.startNanos() + Math.round(seconds * 1e9);
    }
}
