package io.taskpipe.lanes;

import io.taskpipe.intake.Decoded.Accepted;
import io.taskpipe.observe.LaneMetrics;
import io.taskpipe.ordering.OrderedScheduler;
import io.taskpipe.ordering.OrderingLedger;
import io.taskpipe.contract.OrderingMode;
import io.taskpipe.results.DeadLetters;
import io.taskpipe.results.ResultPublisher;
import io.taskpipe.contract.Lane;
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

    /** What every {@link TaskRun} of a lane works with. */
    record Context(Lane lane, OrderedScheduler scheduler, OrderingLedger ledger, ResultPublisher publisher,
                   DeadLetters deadLetters, LaneMetrics metrics, Deadlines deadlines, RetryPolicy retries,
                   Runnable onStuck, ScheduledExecutorService watchdog) {
    }

    private final ExecutorService executor;
    private final Context context;

    /**
     * @param onStuck what to do once a task that ignored its cancellation has been given up on and its
     *                result is durable (its thread is still busy): a cpu-worker restarts
     */
    public TaskRunner(Lane lane, OrderingMode ordering, int maxConcurrency, ExecutorService executor,
                      ResultPublisher publisher, DeadLetters deadLetters, LaneMetrics metrics,
                      Deadlines deadlines, RetryPolicy retries, Runnable onStuck) {
        this.executor = executor;
        this.context = new Context(lane, new OrderedScheduler(ordering, maxConcurrency, executor), new OrderingLedger(100_000),
                publisher, deadLetters, metrics, deadlines, retries, onStuck, Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("taskpipe-" + lane.name().toLowerCase() + "-deadlines").daemon().factory()));
    }

    /** Queues a task read from {@code record}; {@code createdAt} is when its producer made it. */
    public void submit(Accepted accepted, ConsumerRecord<String, byte[]> record, Instant createdAt,
                       LaneConsumer.Completion completion) {
        context.scheduler().submit(new TaskRun(context, accepted, record, createdAt, completion));
    }

    public int running() {
        return context.scheduler().running();
    }

    public int queued() {
        return context.scheduler().queued();
    }

    @Override
    public void close() {
        context.watchdog().shutdownNow();
        executor.shutdownNow();
    }
}
