package io.taskpipe.load;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskpipe.check.Produced;
import io.taskpipe.contract.Task;
import io.taskpipe.contract.TaskJson;
import io.taskpipe.kafka.ClientSettings;
import io.taskpipe.kafka.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
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
    private volatile Exception firstSendError;
    private volatile long startNanos;

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
        return startNanos == 0 ? 0 : System.nanoTime() - startNanos;
    }

    /**
     * Runs the scenario; {@code tick} is called about once a second meanwhile (progress display).
     * Returns once every task has a result, or {@code drainTimeout} after the last send.
     */
    public Outcome run(Duration drainTimeout, Consumer<LoadRun> tick) throws InterruptedException {
        // the reader fixes its starting point before the first task is sent
        try (TopicReader results = new TopicReader(target.kafka(), List.of(target.resultsTopic()), TopicReader.From.END);
             TaskSender sender = new TaskSender(target, runId, scenario.seed(), scenario.keys())) {
            Instant startedAt = Instant.now();
            startNanos = System.nanoTime();
            results.follow("load-collector", this::collect);
            Thread sending = Thread.ofPlatform().name("load-sender").start(() ->
                    sender.run(schedule, scenario.mix(), startNanos, startedAt, this::sending));
            long lastSendDone = -1;
            long nextTick = System.nanoTime();
            while (true) {
                long now = System.nanoTime();
                if (now >= nextTick) {
                    tick.accept(this);
                    nextTick = now + 1_000_000_000L;
                }
                if (!sending.isAlive() && lastSendDone < 0) {
                    lastSendDone = now;
                }
                boolean allAnswered = !sending.isAlive() && stats.done() >= stats.sent();
                boolean timedOut = lastSendDone >= 0 && now - lastSendDone > drainTimeout.toNanos();
                if (allAnswered || timedOut) {
                    results.close();
                    tick.accept(this);
                    firstSendError = sender.firstError();
                    return new Outcome(scenario, runId, startedAt, Duration.ofNanos(elapsedNanos()), schedule.count(),
                            sender.produced(), stats, sender.errors(), allAnswered);
                }
                Thread.sleep(20); // polling our own threads' progress, not synchronising with the pipeline
            }
        }
    }

    /** The first error a send reported, if any (the broker refused or was unreachable). */
    public Exception firstSendError() {
        return firstSendError;
    }

    private void sending(Task task, long dueNanos) {
        pending.put(task.id(), new Pending(task.type(), dueNanos));
        stats.sent(elapsedNanos());
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
}
