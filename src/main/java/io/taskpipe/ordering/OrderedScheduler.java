package io.taskpipe.ordering;

import io.taskpipe.contract.OrderingMode;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs jobs on an executor with at most {@code maxConcurrency} at once, keeping jobs of one line
 * (a key, a partition, or none: see {@link OrderingMode}) strictly one after another in submission order.
 * Lines are independent: a slow key never holds up another key beyond the shared concurrency limit.
 *
 * <p>A job may ask to run again later (a retry after a transient failure): it gives its slot up
 * meanwhile but keeps its place at the head of its line, so its key's later jobs still wait for it
 * and other keys run on.
 */
public final class OrderedScheduler {

    /** A unit of work with the coordinates ordering modes group by. */
    public interface Job {
        String key();

        int partition();

        /** Runs the job; returns how long to wait before running it again, or null when it is done. */
        Duration run();
    }

    private final OrderingMode mode;
    private final int maxConcurrency;
    private final Executor executor;

    private final Map<Object, ArrayDeque<Job>> lines = new HashMap<>();
    private final ArrayDeque<Job> ready = new ArrayDeque<>();
    private final Set<Job> running = Collections.newSetFromMap(new IdentityHashMap<>());
    private int held;

    public OrderedScheduler(OrderingMode mode, int maxConcurrency, Executor executor) {
        if (maxConcurrency < 1) {
            throw new IllegalArgumentException("maxConcurrency must be at least 1, was " + maxConcurrency);
        }
        this.mode = mode;
        this.maxConcurrency = maxConcurrency;
        this.executor = executor;
    }

    public void submit(Job job) {
        List<Job> toStart;
        synchronized (this) {
            ArrayDeque<Job> line = lines.computeIfAbsent(lineOf(job), k -> new ArrayDeque<>());
            line.add(job);
            held++;
            if (line.size() == 1) {
                ready.add(job);
            }
            toStart = takeStartable();
        }
        toStart.forEach(this::start);
    }

    /**
     * Treats a running job as done now, though its thread has not returned (a task that ignores its
     * cancellation): its slot and its line move on. Whatever the job's run returns later is ignored.
     */
    public void abandon(Job job) {
        settle(job, null);
    }

    /** Jobs running now. */
    public synchronized int running() {
        return running.size();
    }

    /** Jobs waiting for their line, a free slot, or their retry. */
    public synchronized int queued() {
        return held - running.size();
    }

    public OrderingMode mode() {
        return mode;
    }

    private void start(Job job) {
        try {
            executor.execute(() -> {
                Duration again = null;
                try {
                    again = job.run();
                } finally {
                    settle(job, again);
                }
            });
        } catch (RejectedExecutionException stopped) {
            // a retry came due after its lane stopped: the lane handed the record back, its next owner runs it
        }
    }

    /** A running job ended (or must run again after {@code again}): free its slot and start what may start. */
    private void settle(Job job, Duration again) {
        List<Job> toStart;
        synchronized (this) {
            if (!running.remove(job)) {
                return; // abandoned earlier
            }
            if (again != null) {
                CompletableFuture.delayedExecutor(again.toNanos(), TimeUnit.NANOSECONDS).execute(() -> retry(job));
            } else {
                held--;
                Object lineKey = lineOf(job);
                ArrayDeque<Job> line = lines.get(lineKey);
                line.poll();
                if (line.isEmpty()) {
                    lines.remove(lineKey);
                } else {
                    ready.add(line.peek());
                }
            }
            toStart = takeStartable();
        }
        toStart.forEach(this::start);
    }

    private void retry(Job job) {
        List<Job> toStart;
        synchronized (this) {
            ready.addFirst(job); // it already waited its turn once
            toStart = takeStartable();
        }
        toStart.forEach(this::start);
    }

    /** The line a job queues in: jobs of one line run one at a time, in submission order. */
    private Object lineOf(Job job) {
        return switch (mode) {
            case KEY -> job.key();
            case PARTITION -> job.partition();
            case NONE -> new Alone(job);
        };
    }

    /** A line of one job: identity, whatever the job's own equals says. */
    private record Alone(Job job) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Alone alone && alone.job == job;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(job);
        }
    }

    private List<Job> takeStartable() {
        List<Job> toStart = new ArrayList<>();
        while (running.size() < maxConcurrency && !ready.isEmpty()) {
            Job job = ready.poll();
            running.add(job);
            toStart.add(job);
        }
        return toStart;
    }
}
