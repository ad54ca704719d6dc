package io.taskpipe.lanes;

import io.taskpipe.config.ExecutorKind;
import io.taskpipe.config.TaskpipeConfig;
import io.taskpipe.intake.TaskDecoder;
import io.taskpipe.kafka.KafkaClients;
import io.taskpipe.observe.LaneMetrics;
import io.taskpipe.results.DeadLetters;
import io.taskpipe.results.ResultPublisher;
import io.taskpipe.contract.Lane;
import io.taskpipe.contract.OrderingMode;
import io.taskpipe.tasks.TaskTypes;
import io.quarkus.runtime.Quarkus;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Builds and runs the lanes of this process: the IO lane (with CPU forwarding) in a dispatcher, the
 * CPU lane in a cpu-worker. Each lane is a {@link LaneConsumer} feeding an {@link Router} feeding a
 * {@link TaskRunner}.
 */
@ApplicationScoped
public class Lanes {

    private static final Logger LOG = Logger.getLogger(Lanes.class);

    /** A running lane. */
    public record Running(LaneConsumer consumer, TaskRunner runner, int slots) {
    }

    private final TaskpipeConfig config;
    private final KafkaClients clients;
    private final TaskDecoder decoder;
    private final TaskTypes types;
    private final DeadLetters deadLetters;
    private final ResultPublisher publisher;
    private final LaneMetrics metrics;
    private final Map<Lane, Running> running = new EnumMap<>(Lane.class);

    public Lanes(TaskpipeConfig config, KafkaClients clients, TaskDecoder decoder, TaskTypes types,
                 DeadLetters deadLetters, ResultPublisher publisher, LaneMetrics metrics) {
        this.config = config;
        this.clients = clients;
        this.decoder = decoder;
        this.types = types;
        this.deadLetters = deadLetters;
        this.publisher = publisher;
        this.metrics = metrics;
    }

    /** The dispatcher's lane: reads the tasks topic, runs IO tasks on the configured executor, forwards CPU tasks. */
    public synchronized void startIo() {
        TaskpipeConfig.Io io = config.lanes().io();
        int slots = io.executor() == ExecutorKind.PLATFORM ? Math.min(io.maxInFlight(), io.platformThreads()) : io.maxInFlight();
        start(Lane.IO, executor(io.executor(), "io-", io.platformThreads()), io.ordering(), slots, io.queueCapacity(),
                io.syncStarts(), io.group(), config.topics().tasks(), config.topics().cpuTasks());
        LOG.infof("IO lane: %d in flight on %s threads, ordering %s, reading %s", slots,
                io.executor().name().toLowerCase(), io.ordering(), config.topics().tasks());
    }

    /** The cpu-worker's lane: reads the CPU topic and runs every task on one platform thread per slot. */
    public synchronized void startCpu() {
        TaskpipeConfig.Cpu cpu = config.lanes().cpu();
        int slots = cpu.slots().orElse(Runtime.getRuntime().availableProcessors());
        int queue = cpu.queueCapacity().orElse(4 * slots);
        start(Lane.CPU, executor(ExecutorKind.PLATFORM, "cpu-", slots), cpu.ordering(), slots, queue,
                cpu.syncStarts(), cpu.group(), config.topics().cpuTasks(), null);
        LOG.infof("CPU lane: %d slot(s), queue %d, ordering %s, reading %s", slots, queue, cpu.ordering(), config.topics().cpuTasks());
    }

    private void start(Lane lane, java.util.concurrent.ExecutorService executor, io.taskpipe.contract.OrderingMode ordering,
                       int slots, int queue, boolean syncStarts, String group, String topic, String forwardTopic) {
        TaskRunner runner = new TaskRunner(lane, ordering, slots, executor, publisher, deadLetters, metrics, deadlines(),
                retryPolicy(), lane == Lane.CPU ? Lanes::restartForStuckTask : () -> { });
        Router router = new Router(decoder, types, runner, deadLetters, publisher, metrics, forwardTopic);
        int capacity = slots + queue;
        LaneConsumer.Settings settings = new LaneConsumer.Settings(capacity, config.lanes().maxDeliveries(), syncStarts,
                config.lanes().revokeGrace(), config.lanes().commitInterval());
        LaneConsumer consumer = new LaneConsumer(lane.name().toLowerCase() + "-lane", topic,
                clients.newConsumer(group, capacity, config.lanes().instanceId()), settings, router);
        metrics.lane(lane.name(), runner::running, runner::queued, consumer::outstanding, consumer::uncommitted);
        // fetch the metadata of the topics this lane writes now, not on its first result or dead letter
        for (String written : forwardTopic == null ? List.of(config.topics().results(), config.topics().dlq())
                : List.of(config.topics().results(), config.topics().dlq(), forwardTopic)) {
            clients.producer().partitionsFor(written);
        }
        running.put(lane, new Running(consumer, runner, slots));
        consumer.start();
    }

    private static ExecutorService executor(ExecutorKind kind, String threadPrefix, int platformThreads) {
        return switch (kind) {
            case VIRTUAL -> Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(threadPrefix, 0).factory());
            case PLATFORM -> Executors.newFixedThreadPool(platformThreads, Thread.ofPlatform().name(threadPrefix, 0).factory());
        };
    }

    /**
     * A cpu-worker whose platform thread is held by a task that ignores cancellation restarts (exit 70,
     * so a supervisor starts it again): its other tasks finish within the shutdown grace, and the
     * stuck task's result is already durable.
     */
    private static void restartForStuckTask() {
        LOG.error("a task ignored its cancellation and still holds a thread: restarting this cpu-worker to get it back");
        Quarkus.asyncExit(70);
    }

    private Deadlines deadlines() {
        TaskpipeConfig.Tasks tasks = config.tasks();
        return new Deadlines(tasks.defaultTimeout(), tasks.maxTimeout(), tasks.maxTimeouts(), tasks.cancelGrace());
    }

    private RetryPolicy retryPolicy() {
        TaskpipeConfig.Retries retries = config.retries();
        return new RetryPolicy(retries.maxAttempts(), retries.initialBackoff(), retries.multiplier(), retries.maxBackoff(), retries.jitter());
    }

    /** Graceful stop of every lane: running tasks get {@code grace} to finish, then offsets are committed. */
    public synchronized void stop(Duration grace) {
        running.values().parallelStream().forEach(lane -> lane.consumer().stop(grace));
        running.values().forEach(lane -> lane.runner().close());
        running.clear();
    }

    public synchronized Map<Lane, Running> running() {
        return Map.copyOf(running);
    }
}
