package io.taskpipe.load;

import io.taskpipe.check.Produced;
import io.taskpipe.contract.Task;
import io.taskpipe.contract.TaskJson;
import io.taskpipe.kafka.ClientSettings;
import io.taskpipe.load.Scenario.MixEntry;
import io.taskpipe.load.Scenario.Phase;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Publishes tasks the way another system would (record key = ordering key, a {@code seq} per key) and
 * remembers each one it published, for the checker: the producer side of a load run, and of tests that
 * drive a pipeline. Tasks come from a mix on an open-loop schedule ({@link #run}), or one at a time
 * ({@link #send}); all of them share the run's ids, keys and per-key sequence. Thread-safe.
 */
public final class TaskSender implements AutoCloseable {

    /** Told of each task just before it is published, with the time it was due (nanoseconds after the start). */
    public interface Listener {
        void sending(Task task, long dueNanos);
    }

    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final TaskFactory factory;
    private final Queue<Produced> produced = new ConcurrentLinkedQueue<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicReference<Exception> firstError = new AtomicReference<>();

    /** Tasks with ids {@code runId-0}, {@code runId-1}, ... spread over {@code keys} keys (0: a key per task). */
    public TaskSender(LoadRun.Target target, String runId, long seed, int keys) {
        this.producer = new KafkaProducer<>(ClientSettings.from(target.kafka()).durableProducer()
                .set(ProducerConfig.LINGER_MS_CONFIG, "1").toMap());
        this.topic = target.tasksTopic();
        this.factory = new TaskFactory(runId, seed, keys, target.httpBase());
    }

    /** Publishes the tasks of {@code phases}, drawn from {@code mix}, each when it is due from now; returns once all were sent. */
    public void run(List<Phase> phases, List<MixEntry> mix) {
        Scenario.checkPhases(phases, "the load");
        Scenario.checkMix(mix, "the load");
        run(new Schedule(phases), mix, System.nanoTime(), Instant.now(), (task, due) -> { });
    }

    /**
     * Publishes the schedule's tasks, drawn from {@code mix}, each when it is due (open loop: whether or not
     * earlier ones were answered), counted from {@code startNanos} ({@link System#nanoTime()}), which was
     * {@code startedAt} by the wall clock; a task's {@code createdAt} is its due time. Returns once the
     * producer has finished with all of them (acknowledged, or counted in {@link #errors()}).
     */
    public void run(Schedule schedule, List<MixEntry> mix, long startNanos, Instant startedAt, Listener listener) {
        for (long i = 0; i < schedule.count(); i++) {
            long due = schedule.offsetNanos(i);
            for (long wait; (wait = due - (System.nanoTime() - startNanos)) > 0; ) {
                LockSupport.parkNanos(wait);
            }
            publish(mix, startedAt.plusNanos(due), due, listener);
        }
        producer.flush();
    }

    /** Publishes one task of {@code entry} now (a test's special task); returns its id once it was sent. */
    public String send(MixEntry entry) {
        Scenario.checkMix(List.of(entry), "a single task");
        Task task = publish(List.of(entry), Instant.now(), 0, (t, due) -> { });
        producer.flush();
        return task.id();
    }

    private synchronized Task publish(List<MixEntry> mix, Instant createdAt, long due, Listener listener) {
        TaskFactory.Made made = factory.next(mix, createdAt);
        Task task = made.task();
        listener.sending(task, due);
        produced.add(new Produced(task.id(), made.key(), task.seq()));
        producer.send(new ProducerRecord<>(topic, made.key(), TaskJson.write(task)), (metadata, error) -> {
            if (error != null) {
                errors.incrementAndGet();
                firstError.compareAndSet(null, error);
            }
        });
        sent.incrementAndGet();
        return task;
    }

    /** Every task published so far, in the order they were sent: what the checker expects an outcome for. */
    public List<Produced> produced() {
        return List.copyOf(produced);
    }

    /** Tasks published so far. */
    public long sent() {
        return sent.get();
    }

    /** Sends the broker refused or that could not reach it. */
    public long errors() {
        return errors.get();
    }

    /** The first of {@link #errors()}, or null. */
    public Exception firstError() {
        return firstError.get();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
