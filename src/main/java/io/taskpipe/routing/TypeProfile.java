package io.taskpipe.routing;

import io.taskpipe.contract.Lane;
import io.taskpipe.contract.TaskResult.Routing;
import io.taskpipe.contract.TaskResult.Routing.Reason;
import org.HdrHistogram.Histogram;

import java.time.Instant;

/**
 * What is known of one task type: its prior lane, its measured CPU time per wall time, and the lane it
 * runs on now. Each measured run decays the earlier ones, so the ratio follows a type that changes;
 * the ratio is wall-weighted (decayed CPU time over decayed wall time), so a long run counts for more
 * than a short one. The lane moves only between thresholds that leave a gap (hysteresis), and only
 * after enough runs.
 */
final class TypeProfile {

    /** When measurement moves a type, from a profile's point of view. */
    record Thresholds(double toCpuAbove, double toIoBelow, int minSamples, double minCpuMs, int halfLife) {

        Thresholds {
            if (toIoBelow >= toCpuAbove) {
                throw new IllegalArgumentException("taskpipe.routing.to-io-below (" + toIoBelow
                        + ") must be below taskpipe.routing.to-cpu-above (" + toCpuAbove + "), or a type could move back and forth");
            }
        }

        double decay() {
            return Math.pow(0.5, 1.0 / halfLife);
        }
    }

    private final String type;
    private final Lane prior;
    private final Lane pin;
    private final boolean adaptive;
    private final Thresholds thresholds;
    private final Histogram serviceMicros = new Histogram(3);
    private double cpuMs;
    private double wallMs;
    private double runs;
    private long samples;
    private Lane lane;
    private Move lastMove;
    private volatile Routing routing;

    /**
     * @param prior the lane the type declares, or its hint
     * @param pin   a lane measurement never overrules, or null
     */
    TypeProfile(String type, Lane prior, Lane pin, boolean adaptive, Thresholds thresholds) {
        this.type = type;
        this.prior = prior;
        this.pin = pin;
        this.adaptive = adaptive && pin == null;
        this.thresholds = thresholds;
        this.lane = pin != null ? pin : prior;
        refresh();
    }

    String type() {
        return type;
    }

    /** Where the type's next task runs, and why. */
    Routing routing() {
        return routing;
    }

    /** Called after every change: each task reads its routing, so reading it must not wait for the results' reader. */
    private void refresh() {
        Reason reason = pin != null ? Reason.PINNED : lane == prior ? Reason.DECLARED : Reason.MEASURED;
        Double ratio = ratio() != null ? ratio() : lastMove != null ? (Double) lastMove.ratio() : null; // moved by a run in progress, none ended yet
        routing = new Routing(prior, lane, reason, ratio == null ? null : Math.round(ratio * 1000) / 1000.0);
    }

    /** Takes one run's measurement in; returns the move it caused, or null. */
    synchronized Move observe(double runCpuMs, double runWallMs, Instant now) {
        double decay = thresholds.decay();
        cpuMs = cpuMs * decay + runCpuMs;
        wallMs = wallMs * decay + runWallMs;
        runs = runs * decay + 1;
        samples++;
        serviceMicros.recordValue(Math.max(0, Math.round(runWallMs * 1000)));
        Lane next = adaptive && samples >= thresholds.minSamples() ? measuredLane() : lane;
        Move move = next == lane ? null : new Move(now, lane, next, ratio(), samples, cpuMs / runs, false);
        if (move != null) {
            lastMove = move;
            lane = next;
        }
        refresh();
        return move;
    }

    /**
     * A run still in progress has computed {@code runCpuMs} in {@code runBusyMs} (enough for
     * {@link LongRuns}): the type moves to the CPU lane now, unless something else holds it where it is.
     */
    synchronized Move computing(double runCpuMs, double runBusyMs, Instant now) {
        if (!adaptive || lane != Lane.IO) {
            return null;
        }
        lastMove = new Move(now, Lane.IO, Lane.CPU, Math.min(1.0, runCpuMs / runBusyMs), samples, runCpuMs, true);
        lane = Lane.CPU;
        refresh();
        return lastMove;
    }

    /**
     * The lane the measurement asks for, with the gap between the thresholds keeping the current one. A
     * type that measurement moved to the CPU lane also goes back once its runs compute less than half of
     * {@code min-cpu}: the reason for the move is gone (its first runs, before the JIT compiled them, cost
     * more than it does now). A type declared computing stays, however short its runs.
     */
    private Lane measuredLane() {
        double ratio = ratio();
        double meanCpuMs = cpuMs / runs;
        if (lane == Lane.IO && ratio >= thresholds.toCpuAbove() && meanCpuMs >= thresholds.minCpuMs()) {
            return Lane.CPU;
        }
        if (lane == Lane.CPU && (ratio <= thresholds.toIoBelow() || prior == Lane.IO && meanCpuMs < thresholds.minCpuMs() / 2)) {
            return Lane.IO;
        }
        return lane;
    }

    /** Decayed CPU time per wall time, or null before the first measured run. */
    synchronized Double ratio() {
        return samples == 0 ? null : wallMs <= 0 ? 0.0 : Math.min(1.0, cpuMs / wallMs);
    }

    /** A snapshot for {@code GET /types}. */
    synchronized TypeView view() {
        return new TypeView(type, lane, routing().reason(), prior, pin, samples, ratio(), samples == 0 ? null : cpuMs / runs,
                samples == 0 ? null : serviceMicros.getValueAtPercentile(50) / 1000.0,
                samples == 0 ? null : serviceMicros.getValueAtPercentile(99) / 1000.0, lastMove);
    }
}
