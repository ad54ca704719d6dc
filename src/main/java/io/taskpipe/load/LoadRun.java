package io.taskpipe.load;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskpipe.check.Produced;
import io.taskpipe.contract.TaskJson;
import io.taskpipe.kafka.ClientSettings;
import io.taskpipe.kafka.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * One load run against a pipeline, through the Kafka contract: a sender publishes the scenario's tasks
 * at their intended times (open loop), a collector reads the results topic and records each task's
 * first result against its intended time, both on this process's monotonic clock. The run ends when
 * every task has a result or the drain timeout passes; the checker then judges the whole history.
 */
public final class LoadRun {

    /**
     * Where to send tasks and read results. {@code kafka} holds the client settings (at least
     * {@code bootstrap.servers}); {@code httpBase} replaces {@code ${http}} in task parameters (may be null).
     */
    public record Target(Map<String, Object> kafka, String tasksTopic, String resultsTopic, String dlqTopic, String httpBase) {

        public static Target of(String bootstrapServers, String httpBase) {
            return new Target(ClientSettings.bootstrap(bootstrapServers).toMap(), "taskpipe.tasks", "taskpipe.results", "taskpipe.dlq", httpBase);
        }

        public Target withTopics(String tasks, String results, String dlq) {
            return new Target(kafka, tasks, results, dlq, httpBase);
        }
    }

    /** What a run did: its tasks, when it ran, and what was measured. */
    public record Outcome(Scenario scenario, String runId, Instant startedAt, Duration elapsed, long planned,
                          List<Produced> produced, RunStats stats, long sendErrors, boolean drained) {
    }

    private record Pending(String type, long intendedNanos) {
    }

    private final Scenario scenario;
    private final Target target;
    private final String runId;
    private final Schedule schedule;
    private final RunStats stats;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Set<String> answered = ConcurrentHashMap.newKeySet();
    private final Queue<Produced> produced = new ConcurrentLinkedQueue<>();
    private final AtomicLong sendErrors = new AtomicLong();
    private final AtomicReference<Exception> firstSendError = new AtomicReference<>();
    private long startNanos;

    public LoadRun(Scenario scenario, Target target) {
        this.scenario = scenario;
        this.target = target;
        this.runId = scenario.name() + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.schedule = new Schedule(scenario.phases());
        this.stats = new RunStats(scenario.warmup().toNanos());
    }

    public String runId() {
        return runId;
    }

    public Schedule schedule() {
        return schedule;
    }

    public RunStats stats() {
        return stats;
    }

    /** Nanoseconds since the run started (its schedule's zero). */
    public long elapsedNanos() {
        return System.nanoTime() - startNanos;
    }

    /**
     * Runs the scenario; {@code tick} is called about once a second meanwhile (progress display).
     * Returns once every task has a result, or {@code drainTimeout} after the last send.
     */
    public Outcome run(Duration drainTimeout, Consumer<LoadRun> tick) throws InterruptedException {
        // the reader fixes its starting point before the first task is sent
        try (TopicReader results = new TopicReader(target.kafka(), List.of(target.resultsTopic()), TopicReader.From.END);
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig())) {
            Instant startedAt = Instant.now();
            startNanos = System.nanoTime();
            results.follow("load-collector", this::collect);
            Thread sender = Thread.ofPlatform().name("load-sender").start(() -> send(producer, startedAt));
            long lastSendDone = -1;
            long nextTick = System.nanoTime();
            while (true) {
                long now = System.nanoTime();
                if (now >= nextTick) {
                    tick.accept(this);
                    nextTick = now + 1_000_000_000L;
                }
                if (!sender.isAlive() && lastSendDone < 0) {
                    lastSendDone = now;
                }
                boolean allAnswered = !sender.isAlive() && stats.done() >= stats.sent();
                boolean timedOut = lastSendDone >= 0 && now - lastSendDone > drainTimeout.toNanos();
                if (allAnswered || timedOut) {
                    results.close();
                    tick.accept(this);
                    return new Outcome(scenario, runId, startedAt, Duration.ofNanos(elapsedNanos()), schedule.count(),
                            List.copyOf(produced), stats, sendErrors.get(), allAnswered);
                }
                Thread.sleep(20); // polling our own threads' progress, not synchronising with the pipeline
            }
        }
    }

    /** The first error a send reported, if any (the broker refused or was unreachable). */
    public Exception firstSendError() {
        return firstSendError.get();
    }

    private void send(KafkaProducer<String, byte[]> producer, Instant startedAt) {
        TaskFactory factory = new TaskFactory(scenario, runId, target.httpBase());
        for (long i = 0; i < schedule.count(); i++) {
            long due = schedule.offsetNanos(i);
            for (long wait; (wait = due - elapsedNanos()) > 0; ) {
                LockSupport.parkNanos(wait);
            }
            TaskFactory.Made made = factory.next(startedAt.plusNanos(due));
            var task = made.task();
            pending.put(task.id(), new Pending(task.type(), due));
            produced.add(new Produced(task.id(), made.key(), task.seq()));
            producer.send(new ProducerRecord<>(target.tasksTopic(), made.key(), TaskJson.write(task)), (metadata, error) -> {
                if (error != null) {
                    sendErrors.incrementAndGet();
                    firstSendError.compareAndSet(null, error);
                }
            });
            stats.sent(elapsedNanos());
        }
        producer.flush();
    }

    private void collect(ConsumerRecord<String, byte[]> record) {
        long at = elapsedNanos();
        JsonNode result = parse(record.value());
        String taskId = result == null ? null : result.path("taskId").asText(null);
        Pending task = taskId == null ? null : pending.get(taskId);
        if (task == null) {
            return; // another run's result
        }
        if (!answered.add(taskId)) {
            stats.duplicate();
            return;
        }
        JsonNode timing = result.path("timing");
        stats.done(task.type(), result.path("lane").asText(null), result.path("status").asText("UNKNOWN"),
                task.intendedNanos(), at, timing.path("queueWaitMs").asDouble(), timing.path("serviceMs").asDouble());
    }

    private static JsonNode parse(byte[] value) {
        try {
            return value == null ? null : TaskJson.MAPPER.readTree(value);
        } catch (IOException e) {
            return null;
        }
    }

    private Map<String, Object> producerConfig() {
        return ClientSettings.from(target.kafka()).durableProducer().set(ProducerConfig.LINGER_MS_CONFIG, "1").toMap();
    }
}
