package io.taskpipe.routing;

import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

/**
 * The IO lane's runs in progress, looked at every {@link #EVERY}: a run that has computed {@code hold-cpu}
 * for at least {@code to-cpu-above} of its time moves its type to the CPU lane before it ends. Computing
 * work on a virtual thread holds its carrier until it ends, so a type whose runs take seconds would
 * otherwise hold the dispatcher's carriers through its warm-up runs and its measured runs before routing
 * learnt anything from their results. One verdict per run; a run that ended is forgotten.
 */
final class LongRuns {

    static final Duration EVERY = Duration.ofMillis(100);
    private static final Logger LOG = Logger.getLogger(LongRuns.class);
    private static final Runnable NOTHING = () -> {
    };

    private final long holdCpuNanos;
    private final double toCpuAbove;
    private final BiConsumer<TypeProfile, Move> moved;
    private final LongSupplier nanoTime;
    private final Set<Run> runs = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService looker;

    /**
     * @param moved    told of each move a run caused
     * @param nanoTime the wall clock runs are timed by ({@link System#nanoTime()})
     */
    LongRuns(Duration holdCpu, double toCpuAbove, BiConsumer<TypeProfile, Move> moved, LongSupplier nanoTime) {
        this.holdCpuNanos = holdCpu.toNanos();
        this.toCpuAbove = toCpuAbove;
        this.moved = moved;
        this.nanoTime = nanoTime;
    }

    /** A run of {@code profile}'s type began, with these clocks of its thread; the handle ends it. */
    Runnable watch(TypeProfile profile, LongSupplier cpuNanos, LongSupplier carrierWaitNanos) {
        long cpuStart = cpuNanos.getAsLong();
        if (holdCpuNanos == 0 || cpuStart < 0) {
            return NOTHING;
        }
        Run run = new Run(profile, cpuNanos, carrierWaitNanos, cpuStart, carrierWaitNanos.getAsLong(), nanoTime.getAsLong());
        runs.add(run);
        startLooking();
        return () -> runs.remove(run);
    }

    /** Judges each run that has computed {@code hold-cpu} by now. */
    void look() {
        for (Run run : runs) {
            long cpu = run.cpuNanos().getAsLong() - run.cpuStart();
            if (cpu < holdCpuNanos) {
                continue;
            }
            runs.remove(run);
            long busy = Math.max(1, nanoTime.getAsLong() - run.startedAt() - (run.carrierWaitNanos().getAsLong() - run.waitStart()));
            if (cpu >= toCpuAbove * busy) {
                Move move = run.profile().computing(cpu / 1e6, busy / 1e6, Instant.now());
                if (move != null) {
                    moved.accept(run.profile(), move);
                }
            }
        }
    }

    private synchronized void startLooking() {
        if (looker == null) {
            looker = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("taskpipe-routing-long-runs").daemon().factory());
            looker.scheduleWithFixedDelay(() -> {
                try {
                    look();
                } catch (RuntimeException e) { // a throw would end the schedule
                    LOG.errorf(e, "looking at the IO lane's runs in progress failed");
                }
            }, EVERY.toNanos(), EVERY.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /** One run in progress: its clocks are its own thread's, so no two runs are equal. */
    private record Run(TypeProfile profile, LongSupplier cpuNanos, LongSupplier carrierWaitNanos, long cpuStart, long waitStart,
                       long startedAt) {
    }
}
