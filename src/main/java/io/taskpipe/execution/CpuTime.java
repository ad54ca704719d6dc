package io.taskpipe.execution;

import org.jboss.logging.Logger;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * CPU time of the calling thread, on platform threads and on the IO lane's virtual threads.
 *
 * <p>The JVM measures platform threads only ({@link ThreadMXBean} answers -1 for a virtual thread). So the
 * IO lane's virtual threads are <b>metered</b>: each is scheduled on the JVM's own carrier pool through an
 * executor that reads the carrier's CPU clock as the thread mounts and as it unmounts, and adds the
 * difference to that thread's meter. A virtual thread runs only while mounted, so its meter is its CPU
 * time, to the precision of Linux's thread CPU clock plus the few microseconds a mount takes; a task that
 * waits (sleeps, sockets) is unmounted meanwhile and charged nothing. The meter also counts how long the
 * thread was ready to run but waited for a free carrier ({@link #carrierWait()}): time a task neither
 * waited for the world nor computed, because other tasks held every carrier.
 *
 * <p>Choosing a virtual thread's scheduler is not public API yet: it needs
 * {@code --add-opens java.base/java.lang=ALL-UNNAMED}. Quarkus opens that package for itself, in the
 * manifest of {@code quarkus-run.jar} and in the test JVMs; a launcher of its own must pass the flag.
 * Without it virtual threads are plain ones and their CPU time is unknown (-1), with a warning at start.
 */
public final class CpuTime {

    private static final Logger LOG = Logger.getLogger(CpuTime.class);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final ThreadLocal<Meter> METER = new ThreadLocal<>();
    private static final Metering METERING = Metering.open();

    private CpuTime() {
    }

    /** CPU time of the calling thread so far, in nanoseconds; -1 when unknown (an unmetered virtual thread). */
    public static long currentThread() {
        if (!Thread.currentThread().isVirtual()) {
            return THREADS.getCurrentThreadCpuTime();
        }
        Meter meter = METER.get();
        return meter == null ? -1 : meter.nanos();
    }

    /** Nanoseconds the calling (metered, virtual) thread was ready to run but waited for a carrier; -1 when unknown. */
    public static long carrierWait() {
        Meter meter = Thread.currentThread().isVirtual() ? METER.get() : null;
        return meter == null ? -1 : meter.carrierWaitNanos();
    }

    /**
     * The calling thread's CPU clock, which other threads may read while it runs (routing reads a run's CPU
     * time before the run ends); null when unknown (an unmetered virtual thread).
     */
    public static Clock clock() {
        Thread thread = Thread.currentThread();
        if (thread.isVirtual()) {
            return METER.get();
        }
        long id = thread.threadId();
        return new Clock() {
            @Override
            public long nanos() {
                return THREADS.getThreadCpuTime(id);
            }

            @Override
            public long carrierWaitNanos() {
                return 0;
            }
        };
    }

    /** One thread's CPU time so far and its wait for a carrier, in nanoseconds, readable from any thread. */
    public interface Clock {
        long nanos();

        long carrierWaitNanos();
    }

    /** A factory of virtual threads named {@code prefix} and a number, metered when the JVM lets us. */
    public static ThreadFactory virtualThreads(String prefix) {
        return METERING == null ? Thread.ofVirtual().name(prefix, 0).factory() : METERING.factory(prefix);
    }

    /** Whether virtual threads' CPU time is known here. */
    public static boolean metersVirtualThreads() {
        return METERING != null;
    }

    /**
     * One virtual thread's CPU time: what its past mounts took, plus the current mount's part so far; and
     * its time between being made ready (its scheduler's {@code execute}) and mounted. A mount's end may
     * still be accounting on one carrier while the thread's next mount has begun on another, so a mount
     * only adds to the totals and clears only its own record of itself.
     */
    private static final class Meter implements Clock {
        private final AtomicLong unmounted = new AtomicLong();
        private final AtomicLong carrierWait = new AtomicLong();
        private final AtomicReference<Mount> mount = new AtomicReference<>();

        /** The carrier a mount runs on, and that carrier's CPU clock as it began. */
        private record Mount(long carrier, long cpuAtStart) {
        }

        /**
         * Read by the thread itself (mounted), or by another thread: then the mount it sees may end while it
         * reads the carrier's clock, and the carrier run another thread; the reading then leaves that mount
         * out rather than charge the other thread's work.
         */
        @Override
        public long nanos() {
            Mount current = mount.get();
            long done = unmounted.get();
            if (current == null) {
                return done;
            }
            long now = THREADS.getThreadCpuTime(current.carrier());
            return mount.get() == current && now >= 0 ? done + Math.max(0, now - current.cpuAtStart()) : unmounted.get();
        }

        @Override
        public long carrierWaitNanos() {
            return carrierWait.get();
        }

        /** Runs one mount of the thread, ready since {@code readyAt}, on the calling carrier, charging it the carrier's CPU time. */
        void mount(Runnable continuation, long readyAt) {
            carrierWait.addAndGet(Math.max(0, System.nanoTime() - readyAt));
            long start = THREADS.getCurrentThreadCpuTime();
            Mount current = new Mount(Thread.currentThread().threadId(), start);
            mount.set(current);
            try {
                continuation.run();
            } finally {
                long spent = Math.max(0, THREADS.getCurrentThreadCpuTime() - start);
                mount.compareAndSet(current, null);
                unmounted.addAndGet(spent);
            }
        }
    }

    /** The JVM's virtual-thread builder that takes a scheduler, and the JVM's own carrier pool to schedule on. */
    private record Metering(MethodHandle builder, Executor carriers) {

        static Metering open() {
            try {
                MethodHandles.Lookup lookup = MethodHandles.lookup();
                Class<?> builderClass = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
                MethodHandle builder = MethodHandles.privateLookupIn(builderClass, lookup)
                        .findConstructor(builderClass, MethodType.methodType(void.class, Executor.class));
                Class<?> virtualThread = Class.forName("java.lang.VirtualThread");
                Executor carriers = (Executor) MethodHandles.privateLookupIn(virtualThread, lookup)
                        .findStatic(virtualThread, "defaultScheduler", MethodType.methodType(Executor.class)).invoke();
                if (!THREADS.isThreadCpuTimeSupported()) {
                    throw new UnsupportedOperationException("this JVM measures no thread CPU time");
                }
                return new Metering(builder, carriers);
            } catch (Throwable e) {
                LOG.warnf("virtual threads' CPU time is unknown here (%s): results of IO-lane tasks carry no cpuMs,"
                        + " and routing learns from the CPU lane only; run with --add-opens java.base/java.lang=ALL-UNNAMED", e.toString());
                return null;
            }
        }

        ThreadFactory factory(String prefix) {
            AtomicLong numbers = new AtomicLong();
            return task -> {
                Meter meter = new Meter();
                Executor scheduler = continuation -> {
                    long readyAt = System.nanoTime();
                    carriers.execute(() -> meter.mount(continuation, readyAt));
                };
                try {
                    Thread.Builder.OfVirtual ofVirtual = (Thread.Builder.OfVirtual) builder.invoke(scheduler);
                    return ofVirtual.name(prefix + numbers.getAndIncrement()).unstarted(() -> {
                        METER.set(meter);
                        task.run();
                    });
                } catch (Throwable e) {
                    throw new IllegalStateException("could not make a metered virtual thread", e);
                }
            };
        }
    }
}
