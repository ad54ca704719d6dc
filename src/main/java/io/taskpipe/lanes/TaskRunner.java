package io.taskpipe.lanes;

import io.taskpipe.contract.ErrorCode;
import io.taskpipe.contract.Task;
import io.taskpipe.contract.TaskJson;
import io.taskpipe.contract.TaskResult;
import io.taskpipe.contract.TaskResult.Ordering;
import io.taskpipe.contract.TaskResult.Source;
import io.taskpipe.contract.TaskResult.Status;
import io.taskpipe.contract.TaskResult.Timing;
import io.taskpipe.contract.TaskResult.Worker;
import io.taskpipe.intake.Decoded.Accepted;
import io.taskpipe.intake.Intake;
import io.taskpipe.observe.LaneMetrics;
import io.taskpipe.ordering.OrderedScheduler;
import io.taskpipe.ordering.OrderingLedger;
import io.taskpipe.ordering.OrderingMode;
import io.taskpipe.results.ResultPublisher;
import io.taskpipe.tasks.Lane;
import io.taskpipe.tasks.TaskContext;
import io.taskpipe.tasks.TaskFailure;
import io.taskpipe.tasks.TaskHandler;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a lane's accepted tasks: orders them ({@link OrderedScheduler}), runs each on the lane's
 * executor under its deadline, and publishes one result per task. The task's {@link LaneConsumer.Completion}
 * is completed only when the result is acknowledged by the broker.
 */
public final class TaskRunner implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(TaskRunner.class);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** Deadlines of tasks: the default when a task gives none, and the cap on what it gives. */
    public record Deadlines(Duration defaultTimeout, Duration maxTimeout) {
        Duration of(Task task) {
            Duration wanted = task.timeoutMs() == null ? defaultTimeout : Duration.ofMillis(task.timeoutMs());
            return wanted.compareTo(maxTimeout) > 0 ? maxTimeout : wanted;
        }
    }

    private final Lane lane;
    private final ExecutorService executor;
    private final OrderedScheduler scheduler;
    private final OrderingLedger ledger = new OrderingLedger(100_000);
    private final ResultPublisher results;
    private final LaneMetrics metrics;
    private final Deadlines deadlines;
    private final ScheduledExecutorService watchdog;

    public TaskRunner(Lane lane, OrderingMode ordering, int maxConcurrency, ExecutorService executor,
                      ResultPublisher results, LaneMetrics metrics, Deadlines deadlines) {
        this.lane = lane;
        this.executor = executor;
        this.scheduler = new OrderedScheduler(ordering, maxConcurrency, executor);
        this.results = results;
        this.metrics = metrics;
        this.deadlines = deadlines;
        this.watchdog = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("taskpipe-" + lane.name().toLowerCase() + "-deadlines").daemon().factory());
    }

    /** Queues a task read from {@code record}; {@code createdAt} is when its producer made it. */
    public void submit(Accepted accepted, ConsumerRecord<String, byte[]> record, Instant createdAt,
                       LaneConsumer.Completion completion) {
        scheduler.submit(new Run(accepted, record, createdAt, completion));
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

    /** One task's execution, from its turn in the scheduler to its published result. */
    private final class Run implements OrderedScheduler.Job {
        private final Accepted accepted;
        private final ConsumerRecord<String, byte[]> record;
        private final Instant createdAt;
        private final LaneConsumer.Completion completion;
        private Thread thread;
        private boolean finished;

        Run(Accepted accepted, ConsumerRecord<String, byte[]> record, Instant createdAt, LaneConsumer.Completion completion) {
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

        @Override
        public void run() {
            try {
                if (!completion.start()) {
                    completion.skip();
                    return;
                }
            } catch (InterruptedException e) {
                completion.skip();
                return;
            }
            Task task = accepted.task();
            Instant startedAt = Instant.now();
            Instant deadline = startedAt.plus(deadlines.of(task));
            synchronized (this) {
                thread = Thread.currentThread();
            }
            ScheduledFuture<?> alarm = watchdog.schedule(this::interrupt, Duration.between(startedAt, deadline).toNanos(), TimeUnit.NANOSECONDS);
            long cpuStart = cpuNanos();
            Outcome outcome;
            try {
                outcome = Outcome.success(execute(accepted.handler(), accepted.params(), new TaskContext(deadline)));
            } catch (Exception | StackOverflowError e) {
                outcome = Outcome.failure(e, !Instant.now().isBefore(deadline));
            } finally {
                alarm.cancel(false);
                synchronized (this) {
                    finished = true;
                }
                Thread.interrupted(); // a deadline that fired as the task returned must not leak into the next one
            }
            long cpu = cpuStart < 0 ? -1 : cpuNanos() - cpuStart;
            Instant finishedAt = Instant.now();
            OrderingLedger.Evidence evidence = ledger.finished(task.key(), task.seq());
            TaskResult result = new TaskResult(Task.VERSION, task.id(), task.type(), task.key(), task.seq(),
                    outcome.status(), outcome.output(), outcome.error(), lane,
                    Math.max(completion.attempt(), Intake.forwardedAttempt(record)), Worker.current(),
                    new Source(record.topic(), record.partition(), record.offset()),
                    Timing.of(createdAt, Instant.ofEpochMilli(record.timestamp()), startedAt, finishedAt, cpu),
                    new Ordering(scheduler.mode().name(), evidence.previousSeq(), evidence.inOrder()));
            metrics.finished(result);
            results.publish(result, completion::done);
        }

        private synchronized void interrupt() {
            if (!finished && thread != null) {
                thread.interrupt();
            }
        }

        @SuppressWarnings("unchecked")
        private static <P> Object execute(TaskHandler<P> handler, Object params, TaskContext context) throws Exception {
            return handler.run((P) params, context);
        }

        private static long cpuNanos() {
            return Thread.currentThread().isVirtual() ? -1 : THREADS.getCurrentThreadCpuTime();
        }
    }

    /** What running a task came to. */
    private record Outcome(Status status, com.fasterxml.jackson.databind.JsonNode output, TaskResult.Error error) {

        static Outcome success(Object output) {
            return new Outcome(Status.SUCCEEDED, TaskJson.MAPPER.valueToTree(output), null);
        }

        static Outcome failure(Throwable e, boolean pastDeadline) {
            if (pastDeadline || e instanceof TaskFailure f && f.code() == ErrorCode.DEADLINE_EXCEEDED) {
                return new Outcome(Status.TIMED_OUT, null, new TaskResult.Error(ErrorCode.DEADLINE_EXCEEDED,
                        "the task ran past its deadline and was interrupted"));
            }
            if (e instanceof TaskFailure f) {
                return new Outcome(Status.FAILED, null, new TaskResult.Error(f.code(), f.getMessage()));
            }
            LOG.debugf(e, "task failed unexpectedly");
            return new Outcome(Status.FAILED, null, new TaskResult.Error(ErrorCode.EXECUTION_ERROR, e.toString()));
        }
    }
}
