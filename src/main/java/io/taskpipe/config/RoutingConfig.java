package io.taskpipe.config;

import io.smallrye.config.WithDefault;
import io.smallrye.config.WithParentName;
import io.taskpipe.contract.Lane;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which lane runs each task type. A type declares its lane; that is the prior, and measurement (the
 * type's CPU time per wall time) may move it. See {@code docs/routing.md}.
 */
public interface RoutingConfig {

    /** {@code ADAPTIVE}: measurement moves a type whose ratio contradicts its prior; {@code DECLARED}: nothing moves. */
    @WithDefault("ADAPTIVE")
    Mode mode();

    /**
     * Per task type, a pin that measurement never overrules, e.g. {@code taskpipe.routing."compute.sum"=IO}.
     * Default: none.
     */
    @WithParentName
    Map<String, String> pins();

    /** Per task type, a prior replacing the lane it declares, which measurement may overrule, e.g. {@code taskpipe.routing.hint."compute.sum"=IO}. Default: none. */
    Map<String, Lane> hint();

    /**
     * A type on the IO lane whose decayed CPU time per wall time reaches this moves to the CPU lane. Far
     * below 1: a computing task whose core is shared by other busy threads (other processes, the garbage
     * collector) gets a share of it, and its ratio falls with that share, while waiting work stays near 0.
     */
    @WithDefault("0.1")
    @DecimalMin("0.01")
    @DecimalMax("1")
    double toCpuAbove();

    /** A type on the CPU lane whose decayed CPU time per wall time falls to this moves to the IO lane; below {@code to-cpu-above}, for hysteresis. */
    @WithDefault("0.02")
    @DecimalMin("0")
    @DecimalMax("1")
    double toIoBelow();

    /**
     * Runs of a type measured before measurement may move it: few, because every run of computing work on
     * the IO lane holds a carrier thread that waiting tasks need, and a wrong move is undone by the next runs.
     */
    @WithDefault("2")
    @Min(1)
    int minSamples();

    /**
     * Mean CPU time per run below which a type stays on the IO lane whatever its ratio: computing that short
     * holds a carrier thread for less than the hop to a worker costs.
     */
    @WithDefault("10ms")
    Duration minCpu();

    /**
     * CPU time one run on the IO lane may compute before its type moves to the CPU lane while that run is
     * still going, if it computed for at least {@code to-cpu-above} of its time: whatever the warm-up and
     * the number of measured runs, a run that long held a carrier thread that waiting tasks need, and
     * every run after it would too. At least {@code min-cpu}; 0 waits for runs to end.
     */
    @WithDefault("100ms")
    Duration holdCpu();

    /**
     * Runs of a type each process makes before their measurements count: a fresh JVM's first runs of any
     * type pay for class loading and the interpreter, and would read as computing work.
     */
    @WithDefault("3")
    @Min(0)
    int warmUpRuns();

    /** Runs after which a measurement counts half as much as a new one: how fast a type's ratio follows a change. */
    @WithDefault("50")
    @Min(1)
    int halfLife();

    enum Mode { ADAPTIVE, DECLARED }

    /** The settings above, which share the pins' prefix (a map under its parent's name sees them too, hints included). */
    Set<String> SETTINGS = Set.of("mode", "to-cpu-above", "to-io-below", "min-samples", "min-cpu", "hold-cpu", "warm-up-runs", "half-life");

    /** The pins by type, read as lanes; a value other than {@code IO} or {@code CPU} stops the start. */
    default Map<String, Lane> pinned() {
        Map<String, Lane> pinned = new TreeMap<>();
        pins().forEach((type, lane) -> {
            if (!SETTINGS.contains(type) && !type.startsWith("hint.")) {
                try {
                    pinned.put(type, Lane.valueOf(lane.trim().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("taskpipe.routing.\"" + type + "\"=" + lane + ": a pin is IO or CPU");
                }
            }
        });
        return pinned;
    }
}
