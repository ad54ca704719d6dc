package io.taskpipe.execution;

import io.taskpipe.consumer.Delivery;
import io.taskpipe.contract.Lane;
import io.taskpipe.contract.OrderingMode;
import io.taskpipe.intake.Decoded.Accepted;
import io.taskpipe.observe.LaneMetrics;
import io.taskpipe.ordering.OrderedScheduler;
import io.taskpipe.ordering.OrderingLedger;
import io.taskpipe.results.OutcomeWriter;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs a lane's accepted tasks: orders them ({@link OrderedScheduler}) and runs each as a
 * {@link TaskRun} on the lane's executor, under its deadline, with retries, to one outcome. A task's
 * {@link Delivery} is done only once that outcome is acknowledged by the broker.
 */
public final class TaskRunner implements AutoCloseable {

    /**
     * How a lane runs its tasks.
     *
     * @param slots        tasks running at once
     * @param outcomeGrace how long publishing an outcome may take, retries included: with the deadline and
     *                     the cancel grace, when a task without an outcome means the lane is stalled
     * @param ledgerBytes  memory for the ordering evidence (highest {@code seq} per key), least recent keys dropped first
     * @param onStuck      what to do once a task that ignored its cancellation has been given up on and its
     *                     result is durable (its thread is still busy): a cpu-worker restarts
     */
    public record Settings(Lane lane, OrderingMode ordering, int slots, Deadlines deadlines, RetryPolicy retries,
                           Duration outcomeGrace, long ledgerBytes, Runnable onStuck) {
    }

    /** What every {@link TaskRun} of a lane works with; {@code finished} counts the outcomes its runs settled. */
    record Context(Lane lane, OrderedScheduler scheduler, OrderingLedger ledger, OutcomeWriter outcomes, LaneMetrics metrics,
                   Deadlines deadlines, RetryPolicy retries, Duration outcomeGrace, Runnable onStuck, ScheduledExecutorService watchdog,
                   LongAdder finished) {
    }

    private final ExecutorService executor;
    private final Context context;

    public TaskRunner(Settings settings, ExecutorService executor, OutcomeWriter outcomes, LaneMetrics metrics) {
        this.executor = executor;
        this.context = new Context(settings.lane(), new OrderedScheduler(settings.ordering(), settings.slots(), executor),
                new OrderingLedger(settings.ledgerBytes()), outcomes, metrics, settings.deadlines(), settings.retries(),
                settings.outcomeGrace(), settings.onStuck(), watchdog(settings.lane()), new LongAdder());
    }

    /**
     * One thread that fires deadlines. A task's deadline is cancelled when it ends, usually long before it
     * is due: removed from the queue then, or thousands of tasks a second would leave hundreds of
     * thousands of cancelled timers to wait out their delay in the heap.
     */
    private static ScheduledExecutorService watchdog(Lane lane) {
        ScheduledThreadPoolExecutor watchdog = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("taskpipe-" + lane.name().toLowerCase() + "-deadlines").daemon().factory());
        watchdog.setRemoveOnCancelPolicy(true);
        return watchdog;
    }

    /**
     * Queues a task read from {@code record}: {@code createdAt} is when its producer made it,
     * {@code firstAttempt} the attempt its first run here is, {@code placement} where it runs when its turn comes.
     */
    public void submit(Accepted accepted, ConsumerRecord<String, byte[]> record, Instant createdAt, Delivery delivery, int firstAttempt,
                       Placement placement) {
        context.scheduler().submit(new TaskRun(context, accepted, record, createdAt, delivery, firstAttempt, placement));
    }

    public int running() {
        return context.scheduler().running();
    }

    public int queued() {
        return context.scheduler().queued();
    }

    /**
     * Tasks this lane ran to an outcome since it started, whatever the outcome: counted as the outcome is
     * handed to the broker, like {@code taskpipe_tasks_total}. Tasks handed to the other lane are not counted.
     */
    public long finished() {
        return context.finished().sum();
    }

    @Override
    public void close() {
        context.watchdog().shutdownNow();
        executor.shutdownNow();
    }
}
