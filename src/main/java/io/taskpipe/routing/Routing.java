package io.taskpipe.routing;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.taskpipe.config.RoutingConfig;
import io.taskpipe.config.TaskpipeConfig;
import io.taskpipe.contract.Lane;
import io.taskpipe.contract.ResultSummary;
import io.taskpipe.contract.TaskResult;
import io.taskpipe.contract.TaskResult.Status;
import io.taskpipe.tasks.TaskHandler;
import io.taskpipe.tasks.TaskTypes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * Which lane runs each task type, learnt from measurement: every result on the results topic (both lanes,
 * every process) carries its run's CPU and wall time (less any wait for a carrier thread), and each
 * type's {@link TypeProfile} turns them into a decayed CPU/wall ratio that may move the type off its prior
 * lane ({@code ADAPTIVE}). A pinned type never moves; with {@code DECLARED} nothing does. Each move is
 * logged once and counted in {@code taskpipe_routing_moves_total}. The same results release the keys that
 * {@link Handoffs} holds back.
 */
@Singleton // made when the lanes are, so that a setting naming an unknown type stops the start
public class Routing {

    private static final Logger LOG = Logger.getLogger(Routing.class);

    private final Map<String, TypeProfile> profiles = new TreeMap<>();
    private final MeterRegistry registry;
    private final Handoffs handoffs;
    private final WarmUps warmUps;
    private final LongRuns longRuns;

    @Inject
    public Routing(TaskTypes types, TaskpipeConfig config, MeterRegistry registry) {
        this(types, config.routing(), registry, new Handoffs(config.lanes().orderingLedgerBytes(),
                config.tasks().maxTimeout().plus(config.tasks().cancelGrace()).plus(config.results().publishTimeout())));
    }

    public Routing(TaskTypes types, RoutingConfig config, MeterRegistry registry, Handoffs handoffs) {
        this.registry = registry;
        this.handoffs = handoffs;
        this.warmUps = new WarmUps(config.warmUpRuns());
        if (!config.holdCpu().isZero() && config.holdCpu().compareTo(config.minCpu()) < 0) {
            throw new IllegalArgumentException("taskpipe.routing.hold-cpu (" + config.holdCpu() + ") must be 0 or at least taskpipe.routing.min-cpu ("
                    + config.minCpu() + "): a run in progress must not move a type that finished runs of the same cost would not");
        }
        this.longRuns = new LongRuns(config.holdCpu(), config.toCpuAbove(), (profile, move) -> moved(profile.type(), move), System::nanoTime);
        Map<String, Lane> pins = config.pinned();
        known(types, pins, "taskpipe.routing");
        known(types, config.hint(), "taskpipe.routing.hint");
        TypeProfile.Thresholds thresholds = new TypeProfile.Thresholds(config.toCpuAbove(), config.toIoBelow(),
                config.minSamples(), config.minCpu().toNanos() / 1e6, config.halfLife());
        for (TaskHandler<?> handler : types.all()) {
            TypeProfile profile = new TypeProfile(handler.type(), config.hint().getOrDefault(handler.type(), handler.lane()),
                    pins.get(handler.type()), config.mode() == RoutingConfig.Mode.ADAPTIVE, thresholds);
            profiles.put(handler.type(), profile);
            Gauge.builder("taskpipe.type.cpu.ratio", profile, p -> p.ratio() == null ? Double.NaN : p.ratio())
                    .description("A task type's decayed CPU time per wall time, as routing measures it")
                    .tag("type", handler.type()).register(registry);
        }
    }

    private static void known(TaskTypes types, Map<String, Lane> byType, String setting) {
        for (String type : byType.keySet()) {
            if (types.find(type).isEmpty()) {
                throw new IllegalArgumentException(setting + " names unknown task type '" + type + "'; known types: " + types.names());
            }
        }
    }

    /** Where a task of this type runs now, and why. */
    public TaskResult.Routing decide(TaskHandler<?> handler) {
        return profiles.get(handler.type()).routing();
    }

    /** A task of this type and key was forwarded to the CPU lane: its key's next task of the type runs after it. */
    public void forwarded(String type, String key, String taskId) {
        handoffs.forwarded(type, key, taskId);
    }

    /**
     * Whether a task of this type and key must wait before it runs on the IO lane: the key's last task of the
     * type that was forwarded to the CPU lane has no result yet (the type moved from CPU to IO meanwhile).
     */
    public boolean awaitsForwarded(String type, String key) {
        return handoffs.pending(type, key);
    }

    /**
     * Learns from one result read from the results topic: a run with its CPU time measured, of a known
     * type; and a forwarded task's result releases its key.
     */
    public void learn(ResultSummary result) {
        if (result.taskId() != null) {
            handoffs.finished(result.type(), result.key(), result.taskId());
        }
        TypeProfile profile = result.type() == null ? null : profiles.get(result.type());
        TaskResult.Timing timing = result.timing();
        if (profile == null || result.lane() == null || timing == null || timing.cpuMs() == null
                || result.status() == Status.REJECTED || warmUps.warmingUp(result.worker(), result.type())) {
            return;
        }
        Move move = profile.observe(timing.cpuMs(), busyMs(timing), Instant.now());
        if (move != null) {
            moved(result.type(), move);
        }
    }

    /**
     * A run of this type begins on the IO lane, on a thread whose clocks these are; the handle ends it. A
     * run that computes {@code hold-cpu} moves its type before it ends ({@link LongRuns}).
     */
    public Runnable watch(TaskHandler<?> handler, LongSupplier cpuNanos, LongSupplier carrierWaitNanos) {
        return longRuns.watch(profiles.get(handler.type()), cpuNanos, carrierWaitNanos);
    }

    private void moved(String type, Move move) {
        if (move.running()) {
            LOG.infof("routing: %s moves from the %s lane to the %s lane: a run still in progress computed %.1f ms, CPU time per wall time %.2f",
                    type, move.from(), move.to(), move.meanCpuMs(), move.ratio());
        } else {
            LOG.infof("routing: %s moves from the %s lane to the %s lane: CPU time per wall time %.2f over %d measured runs"
                    + " (mean CPU %.1f ms)", type, move.from(), move.to(), move.ratio(), move.samples(), move.meanCpuMs());
        }
        registry.counter("taskpipe.routing.moves", "type", type, "to", move.to().name()).increment();
    }

    /** Every type as routing sees it now. */
    public List<TypeView> types() {
        return profiles.values().stream().map(TypeProfile::view).toList();
    }

    /** The run's wall time less its wait for a carrier: starved by other tasks, it neither waited nor computed. */
    private static double busyMs(TaskResult.Timing timing) {
        return timing.serviceMs() - (timing.carrierWaitMs() == null ? 0 : Math.min(timing.serviceMs(), timing.carrierWaitMs()));
    }
}
