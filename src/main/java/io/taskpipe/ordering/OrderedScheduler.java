package io.taskpipe.ordering;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * Runs jobs on an executor with at most {@code maxConcurrency} at once, keeping jobs of one line
 * (a key, a partition, or none: see {@link OrderingMode}) strictly one after another in submission order.
 * Lines are independent: a slow key never holds up another key beyond the shared concurrency limit.
 * The one exception is an {@linkplain Job#exclusive() exclusive} job, which runs alone.
 */
public final class OrderedScheduler {

    /** A unit of work with the coordinates ordering modes group by. */
    public interface Job extends Runnable {
        String key();

        int partition();

        /** An exclusive job runs alone: it starts once nothing else runs, and nothing starts beside it. */
        default boolean exclusive() {
            return false;
        }
    }

    private final OrderingMode mode;
    private final int maxConcurrency;
    private final Executor executor;

    private final Map<Object, ArrayDeque<Job>> lines = new HashMap<>();
    private final ArrayDeque<Job> ready = new ArrayDeque<>();
    private int running;
    private int held;
    private boolean exclusiveRunning;

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
            ArrayDeque<Job> line = lines.computeIfAbsent(mode.lineOf(job), k -> new ArrayDeque<>());
            line.add(job);
            held++;
            if (line.size() == 1) {
                ready.add(job);
            }
            toStart = takeStartable();
        }
        toStart.forEach(this::start);
    }

    /** Jobs running now. */
    public synchronized int running() {
        return running;
    }

    /** Jobs waiting for their line or for a free slot. */
    public synchronized int queued() {
        return held - running;
    }

    public OrderingMode mode() {
        return mode;
    }

    private void start(Job job) {
        executor.execute(() -> {
            try {
                job.run();
            } finally {
                finished(job);
            }
        });
    }

    private void finished(Job job) {
        List<Job> toStart;
        synchronized (this) {
            running--;
            held--;
            if (job.exclusive()) {
                exclusiveRunning = false;
            }
            Object lineKey = mode.lineOf(job);
            ArrayDeque<Job> line = lines.get(lineKey);
            line.poll();
            if (line.isEmpty()) {
                lines.remove(lineKey);
            } else {
                ready.add(line.peek());
            }
            toStart = takeStartable();
        }
        toStart.forEach(this::start);
    }

    private List<Job> takeStartable() {
        List<Job> toStart = new ArrayList<>();
        while (running < maxConcurrency && !ready.isEmpty() && !exclusiveRunning) {
            if (ready.peek().exclusive()) {
                if (running > 0) {
                    break; // wait until the lane is empty
                }
                exclusiveRunning = true;
            }
            running++;
            toStart.add(ready.poll());
        }
        return toStart;
    }
}
