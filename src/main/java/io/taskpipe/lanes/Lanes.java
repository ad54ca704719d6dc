package io.taskpipe.lanes;

import io.quarkus.runtime.Quarkus;
import io.taskpipe.config.CpuDelivery;
import io.taskpipe.config.CpuLaneConfig;
import io.taskpipe.config.ExecutorKind;
import io.taskpipe.config.IoLaneConfig;
import io.taskpipe.config.LaneConfig;
import io.taskpipe.config.RetriesConfig;
import io.taskpipe.config.TasksConfig;
import io.taskpipe.config.TaskpipeConfig;
import io.taskpipe.consumer.ConsumerSettings;
import io.taskpipe.consumer.LaneConsumer;
import io.taskpipe.consumer.LaneFeed;
import io.taskpipe.consumer.ShareLaneConsumer;
import io.taskpipe.contract.OrderingMode;
import io.taskpipe.contract.Lane;
import io.taskpipe.execution.CpuTime;
import io.taskpipe.execution.Deadlines;
import io.taskpipe.execution.RetryPolicy;
import io.taskpipe.execution.TaskRunner;
import io.taskpipe.intake.TaskDecoder;
import io.taskpipe.kafka.KafkaClients;
import io.taskpipe.kafka.ShareGroups;
import io.taskpipe.observe.LaneMetrics;
import io.taskpipe.results.OutcomeWriter;
import io.taskpipe.routing.Routing;
import io.taskpipe.tasks.TaskTypes;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.admin.Admin;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Builds and runs the lanes of this process: the IO lane (with CPU forwarding) in a dispatcher, the
 * CPU lane in a cpu-worker. Each lane is a {@link LaneFeed} (a consumer group's {@link LaneConsumer}, or for
 * the CPU lane a share group's {@link ShareLaneConsumer}) handing records to a {@link Router}, which runs
 * tasks with a {@link TaskRunner}.
 */
@ApplicationScoped
public class Lanes {

    private static final Logger LOG = Logger.getLogger(Lanes.class);

    /** A running lane. */
    public record Running(LaneFeed consumer, TaskRunner runner, int slots) {
    }

    private final TaskpipeConfig config;
    private final KafkaClients clients;
    private final TaskDecoder decoder;
    private final TaskTypes types;
    private final Routing routing;
    private final OutcomeWriter outcomes;
    private final LaneMetrics metrics;
    private final Map<Lane, Running> running = new EnumMap<>(Lane.class);

    public Lanes(TaskpipeConfig config, KafkaClients clients, TaskDecoder decoder, TaskTypes types, Routing routing, OutcomeWriter outcomes,
                 LaneMetrics metrics) {
        this.config = config;
        this.clients = clients;
        this.decoder = decoder;
        this.types = types;
        this.routing = routing;
        this.outcomes = outcomes;
        this.metrics = metrics;
    }

    /** The dispatcher's lane: reads the tasks topic, runs IO tasks on the configured executor, forwards CPU tasks. */
    public synchronized void startIo() {
        IoLaneConfig io = config.lanes().io();
        int slots = io.executor() == ExecutorKind.PLATFORM ? Math.min(io.maxInFlight(), io.platformThreads()) : io.maxInFlight();
        ExecutorService executor = io.executor() == ExecutorKind.VIRTUAL
                ? Executors.newThreadPerTaskExecutor(CpuTime.virtualThreads("io-"))
                : platformThreads("io-", io.platformThreads());
        start(Lane.IO, io, slots, io.queueCapacity(), executor);
        LOG.infof("IO lane: %d in flight on %s threads, ordering %s, reading %s", slots,
                io.executor().name().toLowerCase(), io.ordering(), config.topics().tasks());
    }

    /** The cpu-worker's lane: reads the CPU topic and runs every task on one platform thread per slot. */
    public synchronized void startCpu() {
        CpuLaneConfig cpu = config.lanes().cpu();
        int slots = cpu.slots().orElse(Runtime.getRuntime().availableProcessors());
        int queue = cpu.queueCapacity().orElse(4 * slots);
        start(Lane.CPU, cpu, slots, queue, platformThreads("cpu-", slots));
        LOG.infof("CPU lane: %d slot(s), queue %d, ordering %s, reading %s", slots, queue, cpu.ordering(), config.topics().cpuTasks());
    }

    /** Starts a lane: a {@link Warmup} of the task types' code, then its consumer joins the group. */
    private void start(Lane lane, LaneConfig settings, int slots, int queue, ExecutorService executor) {
        Warmup.run(lane, decoder, types.all(), settings.warmUp());
        boolean dispatches = lane == Lane.IO;
        TaskRunner runner = runner(lane, settings, slots, executor);
        Router router = new Router(decoder, routing, runner, outcomes, lane, config.results().publishTimeout(),
                dispatches ? config.topics().cpuTasks() : null);
        int capacity = slots + queue;
        ConsumerSettings consumerSettings = new ConsumerSettings(lane.name().toLowerCase() + "-lane",
                dispatches ? config.topics().tasks() : config.topics().cpuTasks(), capacity, settings.maxHeldBytes(),
                config.lanes().maxDeliveries(), settings.startCommit(), config.lanes().startWindow(), config.lanes().revokeGrace(), config.lanes().commitInterval());
        LaneFeed consumer = lane == Lane.CPU && config.lanes().cpu().delivery() == CpuDelivery.SHARE
                ? shareFeed(config.lanes().cpu(), slots, router)
                : new LaneConsumer(clients.newConsumer(settings.group(), capacity, config.lanes().instanceId()), consumerSettings, router);
        metrics.lane(lane.name(), new LaneMetrics.Gauges(runner::running, runner::queued, consumer::outstanding, consumer::uncommitted,
                consumer::heldBytes, () -> consumer.oldestUnfinished().toNanos() / 1e9));
        // fetch the metadata of the topics this lane writes now, not on its first result or dead letter
        List<String> written = dispatches ? List.of(config.topics().results(), config.topics().dlq(), config.topics().cpuTasks())
                : List.of(config.topics().results(), config.topics().dlq());
        written.forEach(clients.producer()::partitionsFor);
        running.put(lane, new Running(consumer, runner, slots));
        consumer.start();
    }

    /**
     * The CPU lane on a share group: one share consumer per slot, the group set to read from the start and
     * committed records only, and the broker's delivery limit as the crash-loop bound. A share group keeps
     * no order, so the lane must not promise one.
     */
    private LaneFeed shareFeed(CpuLaneConfig cpu, int slots, Router router) {
        if (cpu.ordering() != OrderingMode.NONE) {
            throw new IllegalStateException("taskpipe.lanes.cpu.delivery=SHARE keeps no order, but taskpipe.lanes.cpu.ordering is "
                    + cpu.ordering() + ": set it to NONE, or use delivery GROUP");
        }
        int deliveryLimit;
        try (Admin admin = clients.newAdmin()) {
            ShareGroups.configure(admin, cpu.shareGroup(), cpu.shareLock());
            deliveryLimit = ShareGroups.deliveryLimit(admin);
        }
        LOG.infof("CPU lane on share group %s: the broker delivers a record at most %d times", cpu.shareGroup(), deliveryLimit);
        return new ShareLaneConsumer(new ShareLaneConsumer.Settings("cpu-lane", config.topics().cpuTasks(), slots, deliveryLimit),
                () -> clients.newShareConsumer(cpu.shareGroup()), router);
    }

    /** How a lane runs its tasks: ordered, under deadlines, retried; a cpu-worker restarts for a task that holds a thread. */
    private TaskRunner runner(Lane lane, LaneConfig settings, int slots, ExecutorService executor) {
        TasksConfig tasks = config.tasks();
        RetriesConfig retries = config.retries();
        return new TaskRunner(new TaskRunner.Settings(lane, settings.ordering(), slots,
                new Deadlines(tasks.defaultTimeout(), tasks.maxTimeout(), tasks.maxTimeouts(), tasks.cancelGrace()),
                new RetryPolicy(retries.maxAttempts(), retries.initialBackoff(), retries.multiplier(), retries.maxBackoff(), retries.jitter()),
                config.results().publishTimeout(), config.lanes().orderingLedgerBytes(),
                lane == Lane.CPU ? Lanes::restartForStuckTask : () -> { }),
                executor, outcomes, metrics);
    }

    private static ExecutorService platformThreads(String prefix, int threads) {
        return Executors.newFixedThreadPool(threads, Thread.ofPlatform().name(prefix, 0).factory());
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
