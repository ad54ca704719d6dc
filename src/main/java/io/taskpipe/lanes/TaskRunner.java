package io.taskpipe.lanes;

import io.taskpipe.intake.Decoded.Accepted;
import io.taskpipe.observe.LaneMetrics;
import io.taskpipe.ordering.OrderedScheduler;
import io.taskpipe.ordering.OrderingLedger;
import io.taskpipe.ordering.OrderingMode;
import io.taskpipe.results.DeadLetters;
import io.taskpipe.results.ResultPublisher;
import io.taskpipe.tasks.Lane;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Runs a lane's accepted tasks: orders them ({@link OrderedScheduler}) and runs each as a
 * {@link TaskRun} on the lane's executor, under its deadline, with retries, to one published result.
 * A task's {@link LaneConsumer.Completion} completes only when its result is acknowledged by the broker.
 */
public final class TaskRunner implements AutoCloseable {

    private final Lane lane;
    private final ExecutorService executor;
    private final OrderedScheduler scheduler;
    private final OrderingLedger ledger = new OrderingLedger(100_000);
    private final ResultPublisher publisher;
    private final DeadLetters deadLetters;
    private final LaneMetrics metrics;
    private final Deadlines deadlines;
    private final RetryPolicy retries;
    private final Runnable onStuck;
    private final ScheduledExecutorService watchdog;

    /**
     * @param onStuck what to do once a task that ignored its cancellation has been given up on and its
     *                result is durable (its thread is still busy): a cpu-worker restarts
     */
    public TaskRunner(Lane lane, OrderingMode ordering, int maxConcurrency, ExecutorService executor,
                      ResultPublisher publisher, DeadLetters deadLetters, LaneMetrics metrics,
                      Deadlines deadlines, RetryPolicy retries, Runnable onStuck) {
        this.lane = lane;
        this.executor = executor;
        this.scheduler = new OrderedScheduler(ordering, maxConcurrency, executor);
        this.publisher = publisher;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.deadlines = deadlines;
        this.retries = retries;
        this.onStuck = onStuck;
        this.watchdog = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("taskpipe-" + lane.name().toLowerCase() + "-deadlines").daemon().factory());
    }

    /** Queues a task read from {@code record}; {@code createdAt} is when its producer made it. */
    public void submit(Accepted accepted, ConsumerRecord<String, byte[]> record, Instant createdAt,
                       LaneConsumer.Completion completion) {
        scheduler.submit(new TaskRun(this, accepted, record, createdAt, completion));
    }

    public int running() {
        return scheduler.running();
    }

    public int queued() {
        return scheduler.queued();
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
        executor.shutdownNow();
    }

    Lane lane() {
        return lane;
    }

    OrderedScheduler scheduler() {
        return scheduler;
    }

    OrderingLedger ledger() {
        return ledger;
    }

    ResultPublisher publisher() {
        return publisher;
    }

    DeadLetters deadLetters() {
        return deadLetters;
    }

    LaneMetrics metrics() {
        return metrics;
    }

    Deadlines deadlines() {
        return deadlines;
    }

    RetryPolicy retries() {
        return retries;
    }

    Runnable onStuck() {
        return onStuck;
    }

    ScheduledExecutorService watchdog() {
        return watchdog;
    }
}
