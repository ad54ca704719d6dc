package io.taskpipe.lanes;

import io.taskpipe.contract.Task;
import io.taskpipe.contract.TaskResult;
import io.taskpipe.contract.TaskResult.Ordering;
import io.taskpipe.contract.TaskResult.Source;
import io.taskpipe.contract.TaskResult.Timing;
import io.taskpipe.contract.TaskResult.Worker;
import io.taskpipe.intake.Decoded.Accepted;
import io.taskpipe.ordering.OrderedScheduler;
import io.taskpipe.ordering.OrderingLedger;
import io.taskpipe.tasks.TaskContext;
import io.taskpipe.tasks.TaskHandler;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One task in a lane, from its turn in the scheduler to its published result: the start gate, the
 * deadline (an interrupt when it passes, and giving up on a task that ignores it), retries of
 * transient failures, and the result record.
 */
final class TaskRun implements OrderedScheduler.Job {

    private static final Logger LOG = Logger.getLogger(TaskRun.class);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final TaskRunner.Context lane;
    private final Accepted accepted;
    private final ConsumerRecord<String, byte[]> record;
    private final Instant createdAt;
    private final LaneConsumer.Completion completion;
    private int retries;

    TaskRun(TaskRunner.Context lane, Accepted accepted, ConsumerRecord<String, byte[]> record, Instant createdAt,
            LaneConsumer.Completion completion) {
        this.lane = lane;
        this.accepted = accepted;
        this.record = record;
        this.createdAt = createdAt;
        this.completion = completion;
    }

    @Override
    public String key() {
        return accepted.task().key();
    }

    @Override
    public int partition() {
        return record.partition();
    }

    /** A task that was running when an earlier owner died runs alone, so a crash is charged to it only. */
    @Override
    public boolean exclusive() {
        return completion.suspect();
    }

    /** This run's attempt: earlier deliveries' starts, this delivery's retries, and a dispatcher's count. */
    private int attempt() {
        return Math.max(completion.attempt() + retries, Router.forwardedAttempt(record));
    }

    @Override
    public Duration run() {
        if (!mayRun()) {
            completion.skip();
            return null;
        }
        Task task = accepted.task();
        Instant startedAt = Instant.now();
        Instant deadline = startedAt.plus(lane.deadlines().of(task));
        Execution execution = new Execution(startedAt);
        long toDeadline = Duration.between(startedAt, deadline).toNanos();
        ScheduledFuture<?> interrupt = lane.watchdog().schedule(execution::interrupt, toDeadline, TimeUnit.NANOSECONDS);
        ScheduledFuture<?> giveUp = lane.watchdog().schedule(() -> giveUp(execution),
                toDeadline + lane.deadlines().cancelGrace().toNanos(), TimeUnit.NANOSECONDS);
        long cpuStart = cpuNanos();
        Outcome outcome;
        try {
            outcome = Outcome.success(execute(accepted.handler(), accepted.params(), new TaskContext(deadline)));
        } catch (Exception | StackOverflowError e) {
            outcome = Outcome.failure(e, !Instant.now().isBefore(deadline));
        } finally {
            interrupt.cancel(false);
            giveUp.cancel(false);
            execution.finish();
            Thread.interrupted(); // a deadline that fired as the task returned must not leak into the next one
        }
        if (!execution.settle()) {
            return null; // the watchdog gave up on it and published its result already
        }
        long cpu = cpuStart < 0 ? -1 : cpuNanos() - cpuStart;
        if (outcome.retryable() && attempt() < lane.retries().maxAttempts()) {
            retries++;
            lane.metrics().retried(lane.lane().name(), task.type());
            Duration backoff = lane.retries().backoff(retries);
            LOG.debugf("task %s failed transiently (%s); attempt %d in %d ms", task.id(), outcome.error().message(), attempt(), backoff.toMillis());
            return backoff;
        }
        if (outcome.retryable()) {
            Outcome exhausted = outcome.exhausted(attempt());
            TaskResult result = result(exhausted, startedAt, cpu);
            lane.deadLetters().giveUp(record, result, exhausted.exceptionClass(), completion::done);
            lane.metrics().finished(result);
            return null;
        }
        publish(result(outcome, startedAt, cpu));
        return null;
    }

    /** The first run passes the start gate; a retry only checks that its partition is still here. */
    private boolean mayRun() {
        if (retries > 0) {
            return !completion.abandoned();
        }
        try {
            return completion.start();
        } catch (InterruptedException e) {
            return false;
        }
    }

    /**
     * The task ignored its cancellation for the whole grace: settle it as timed out now, free its slot
     * and line, and let the lane decide what to do about the thread it holds.
     */
    private void giveUp(Execution execution) {
        if (!execution.settle()) {
            return;
        }
        Task task = accepted.task();
        LOG.warnf("task %s (%s) ignored its cancellation for %s after its deadline; giving up on it", task.id(), task.type(),
                lane.deadlines().cancelGrace());
        TaskResult result = result(Outcome.timedOut("the task ignored its cancellation for " + lane.deadlines().cancelGrace()
                + " after its deadline and was given up on"), execution.startedAt, -1);
        lane.metrics().finished(result);
        lane.publisher().publish(result, () -> {
            completion.done();
            lane.onStuck().run();
        });
        lane.scheduler().abandon(this);
    }

    private void publish(TaskResult result) {
        lane.metrics().finished(result);
        lane.publisher().publish(result, completion::done);
    }

    private TaskResult result(Outcome outcome, Instant startedAt, long cpuNanos) {
        Task task = accepted.task();
        OrderingLedger.Evidence evidence = lane.ledger().finished(task.key(), task.seq());
        return new TaskResult(Task.VERSION, task.id(), task.type(), task.key(), task.seq(),
                outcome.status(), outcome.output(), outcome.error(), lane.lane(), attempt(), Worker.current(),
                new Source(record.topic(), record.partition(), record.offset()),
                Timing.of(createdAt, Instant.ofEpochMilli(record.timestamp()), startedAt, Instant.now(), cpuNanos),
                new Ordering(lane.scheduler().mode().name(), evidence.previousSeq(), evidence.inOrder()));
    }

    @SuppressWarnings("unchecked")
    private static <P> Object execute(TaskHandler<P> handler, Object params, TaskContext context) throws Exception {
        return handler.run((P) params, context);
    }

    private static long cpuNanos() {
        return Thread.currentThread().isVirtual() ? -1 : THREADS.getCurrentThreadCpuTime();
    }

    /** One run's thread, and who settles it: the run itself, or the watchdog giving up on it. */
    private static final class Execution {
        private final Instant startedAt;
        private final Thread thread = Thread.currentThread();
        private boolean finished;
        private boolean settled;

        Execution(Instant startedAt) {
            this.startedAt = startedAt;
        }

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
