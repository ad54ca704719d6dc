package io.taskpipe.execution;

import io.taskpipe.consumer.Delivery;
import io.taskpipe.contract.ErrorCode;
import io.taskpipe.contract.OrderingMode;
import io.taskpipe.contract.Task;
import io.taskpipe.contract.TaskResult;
import io.taskpipe.contract.TaskResult.Ordering;
import io.taskpipe.contract.TaskResult.Timing;
import io.taskpipe.contract.Timestamps;
import io.taskpipe.intake.Decoded.Accepted;
import io.taskpipe.ordering.OrderedScheduler;
import io.taskpipe.ordering.OrderingLedger;
import io.taskpipe.tasks.TaskContext;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One task in a lane, from its turn in the scheduler to its published result: the start (through the
 * {@link Delivery}), the deadline (an interrupt when it passes, and giving up on a task that ignores
 * it), retries of transient failures, and the result. Whatever the task throws, it ends in exactly one
 * outcome, unless its delivery was abandoned, whose outcome is fenced: the partition's next owner runs it.
 */
final class TaskRun implements OrderedScheduler.Job {

    private static final Logger LOG = Logger.getLogger(TaskRun.class);
    /** How often a task whose key's earlier run on the other lane has not finished looks again. */
    private static final Duration HOLD_BACK = Duration.ofMillis(10);

    private final TaskRunner.Context lane;
    private final Accepted accepted;
    private final ConsumerRecord<String, byte[]> record;
    private final Instant createdAt;
    private final Instant enqueuedAt;
    private final Delivery delivery;
    private final int firstAttempt;
    private final Placement placement;
    private TaskResult.Routing routing;
    private int retries;

    TaskRun(TaskRunner.Context lane, Accepted accepted, ConsumerRecord<String, byte[]> record, Instant createdAt,
            Delivery delivery, int firstAttempt, Placement placement) {
        this.lane = lane;
        this.accepted = accepted;
        this.record = record;
        this.createdAt = createdAt;
        this.enqueuedAt = Timestamps.enqueuedAt(record);
        this.delivery = delivery;
        this.firstAttempt = firstAttempt;
        this.placement = placement;
    }

    @Override
    public String key() {
        return accepted.task().key();
    }

    @Override
    public int partition() {
        return record.partition();
    }

    private int attempt() {
        return firstAttempt + retries;
    }

    @Override
    public Duration run() {
        if (routing == null) { // its first turn: a retry stays where it ran
            TaskResult.Routing decided = route();
            if (decided.chosen() != lane.lane()) {
                placement.handOver(accepted, record, delivery, decided);
                return null;
            }
            if (lane.scheduler().mode() != OrderingMode.NONE && placement.mustWait(accepted)) {
                if (delivery.abandoned()) {
                    delivery.skip(); // given up while it waited: its next owner decides
                    return null;
                }
                return HOLD_BACK; // keeps its place in its line, and decides again then
            }
            routing = decided;
        }
        Execution execution = new Execution();
        delivery.onAbandon(execution::interrupt);
        if (!start()) {
            delivery.skip();
            return null;
        }
        Task task = accepted.task();
        Instant startedAt = Instant.now();
        Duration allowed = lane.deadlines().of(task);
        Instant deadline = startedAt.plus(allowed);
        delivery.expectOutcomeWithin(allowed.plus(lane.deadlines().cancelGrace()).plus(lane.outcomeGrace()));
        ScheduledFuture<?> interrupt = lane.watchdog().schedule(execution::interrupt, allowed.toNanos(), TimeUnit.NANOSECONDS);
        ScheduledFuture<?> giveUp = lane.watchdog().schedule(() -> giveUp(execution, startedAt),
                allowed.plus(lane.deadlines().cancelGrace()).toNanos(), TimeUnit.NANOSECONDS);
        long cpuStart = CpuTime.currentThread();
        long waitStart = CpuTime.carrierWait();
        Runnable unwatch = placement.watch(accepted);
        Outcome outcome;
        try {
            outcome = Outcome.success(accepted.run(new TaskContext(deadline)));
        } catch (Throwable e) { // every Throwable: an Error must end the task too, not its completion
            outcome = Outcome.failure(e, !Instant.now().isBefore(deadline));
        } finally {
            unwatch.run();
            interrupt.cancel(false);
            giveUp.cancel(false);
            execution.finish();
            Thread.interrupted(); // a deadline that fired as the task returned must not leak into the next one
        }
        if (!execution.settle()) {
            return null; // the watchdog gave up on it and settled it already
        }
        Cost cost = new Cost(cpuStart < 0 ? -1 : CpuTime.currentThread() - cpuStart, waitStart < 0 ? -1 : CpuTime.carrierWait() - waitStart);
        switch (next(outcome.retryable(), attempt(), lane.retries().maxAttempts(), delivery.abandoned())) {
            case RETRY -> {
                retries++;
                lane.metrics().retried(lane.lane().name(), task.type());
                Duration backoff = lane.retries().backoff(retries);
                LOG.debugf("task %s failed transiently (%s); attempt %d in %d ms", task.id(), outcome.message(), attempt(), backoff.toMillis());
                delivery.pause(); // not running while it waits: a hand-off now is not charged as a crash
                return backoff;
            }
            case HAND_BACK -> {
                LOG.debugf("task %s failed transiently (%s) as this process gives it up; its next owner retries it", task.id(), outcome.message());
                delivery.pause();
                delivery.skip();
            }
            case PUBLISH -> settle(outcome.retryable() ? outcome.exhausted(attempt()) : outcome, startedAt, cost);
        }
        return null;
    }

    /** Where the task runs; should deciding fail, here, as it would have run before routing learnt anything. */
    private TaskResult.Routing route() {
        try {
            return placement.route(accepted, record);
        } catch (RuntimeException e) {
            LOG.errorf(e, "routing task %s failed; it runs on the %s lane", accepted.task().id(), lane.lane());
            return new TaskResult.Routing(accepted.handler().lane(), lane.lane(), TaskResult.Routing.Reason.DECLARED, null);
        }
    }

    /** What follows a run's outcome. */
    enum Next { RETRY, HAND_BACK, PUBLISH }

    /**
     * A transient failure with attempts left is retried after a backoff, unless this process is giving
     * the record up (stopping, or its partition revoked): then it goes back unpublished and uncharged,
     * and its next owner retries it. Giving up on it here would end a healthy task because of a stop.
     */
    static Next next(boolean transientFailure, int attempt, int maxAttempts, boolean givenUp) {
        if (!transientFailure || attempt >= maxAttempts) {
            return Next.PUBLISH;
        }
        return givenUp ? Next.HAND_BACK : Next.RETRY;
    }

    private boolean start() {
        try {
            return delivery.start();
        } catch (InterruptedException e) {
            return false;
        }
    }

    /** What a run cost its thread, in nanoseconds: CPU time, and time waiting for a carrier; -1 when unknown. */
    private record Cost(long cpuNanos, long carrierWaitNanos) {
        static final Cost UNKNOWN = new Cost(-1, -1);
    }

    private void settle(Outcome outcome, Instant startedAt, Cost cost) {
        if (!delivery.finish()) {
            return; // fenced: this process gave the record up, and its next owner runs it
        }
        TaskResult result = result(outcome, startedAt, cost);
        if (outcome.code() == ErrorCode.RETRIES_EXHAUSTED) {
            lane.outcomes().giveUp(record, result, outcome.exceptionClass(), delivery::done);
        } else {
            lane.outcomes().result(record, result, delivery::done);
        }
    }

    /**
     * The task ignored its cancellation for the whole grace: settle it as timed out now, free its slot
     * and line, and let the lane decide what to do about the thread it holds.
     */
    private void giveUp(Execution execution, Instant startedAt) {
        if (!execution.settle()) {
            return;
        }
        Task task = accepted.task();
        Duration grace = lane.deadlines().cancelGrace();
        LOG.warnf("task %s (%s) ignored its cancellation for %s after its deadline; giving up on it", task.id(), task.type(), grace);
        lane.scheduler().abandon(this);
        if (!delivery.finish()) {
            lane.onStuck().run(); // fenced, nothing to publish; its thread is still held
            return;
        }
        TaskResult result = result(Outcome.timedOut("the task ignored its cancellation for " + grace
                + " after its deadline and was given up on"), startedAt, Cost.UNKNOWN);
        lane.outcomes().result(record, result, deadLettered -> {
            delivery.done(deadLettered);
            lane.onStuck().run();
        });
    }

    /** The outcome's result, built once per settled run (which is what the lane's finished count counts). */
    private TaskResult result(Outcome outcome, Instant startedAt, Cost cost) {
        lane.finished().increment();
        Task task = accepted.task();
        OrderingLedger.Evidence evidence = lane.ledger().finished(task.key(), task.seq());
        return outcome.describe(TaskResult.about(task))
                .lane(lane.lane(), attempt())
                .readFrom(record)
                .timing(Timing.of(createdAt, enqueuedAt, startedAt, Instant.now(), cost.cpuNanos(), cost.carrierWaitNanos()))
                .ordering(new Ordering(lane.scheduler().mode().name(), evidence.previousSeq(), evidence.inOrder()))
                .routing(routing)
                .build();
    }

    /** One run's thread, and who settles it: the run itself, or the watchdog giving up on it. */
    private static final class Execution {
        private final Thread thread = Thread.currentThread();
        private boolean finished;
        private boolean settled;

        /** Stops the run (its deadline passed, or its delivery was abandoned); never a later run of this thread. */
        synchronized void interrupt() {
            if (!finished) {
                thread.interrupt();
            }
        }

        synchronized void finish() {
            finished = true;
        }

        /** True for the one caller that gets to report this run's outcome. */
        synchronized boolean settle() {
            if (settled) {
                return false;
            }
            settled = true;
            return true;
        }
    }
}
