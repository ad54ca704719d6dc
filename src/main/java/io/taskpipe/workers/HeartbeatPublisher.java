package io.taskpipe.workers;

import io.taskpipe.config.TaskpipeConfig;
import io.taskpipe.contract.Lane;
import io.taskpipe.contract.TaskResult.Worker;
import io.taskpipe.kafka.KafkaClients;
import io.taskpipe.kafka.ThrottledLog;
import io.taskpipe.lanes.Lanes;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Publishes this process's {@link Heartbeat} every {@code taskpipe.heartbeat.interval} on one daemon thread of
 * its own, fire and forget on the process's shared producer: a heartbeat that cannot be sent is logged (at
 * most once a minute) and dropped, never thrown and never waited for, so the lanes cannot notice it. The
 * next one says everything the lost one did.
 */
@ApplicationScoped
public class HeartbeatPublisher {

    private static final Logger LOG = Logger.getLogger(HeartbeatPublisher.class);
    private static final Duration LAST_ONE = Duration.ofSeconds(5);

    private final TaskpipeConfig config;
    private final KafkaClients clients;
    private final Lanes lanes;
    private final ThrottledLog failures = new ThrottledLog(LOG, Duration.ofMinutes(1));
    private final Instant startedAt = ProcessHandle.current().info().startInstant().orElseGet(Instant::now);
    /** The lanes as last seen running: after they stopped, the last heartbeat still counts what they did. */
    private volatile Map<Lane, Lanes.Running> lastLanes = Map.of();
    private ScheduledExecutorService scheduler;

    public HeartbeatPublisher(TaskpipeConfig config, KafkaClients clients, Lanes lanes) {
        this.config = config;
        this.clients = clients;
        this.lanes = lanes;
    }

    /** Starts publishing, the first heartbeat at once. */
    public synchronized void start() {
        if (scheduler != null) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("taskpipe-heartbeat").daemon().factory());
        scheduler.scheduleAtFixedRate(() -> publish(false), 0, config.heartbeat().interval().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops publishing and sends a last heartbeat that says so; before the producer closes, which sends it. */
    public synchronized void stop() {
        if (scheduler == null) {
            return;
        }
        scheduler.shutdown(); // no interrupt: the thread may be inside the shared producer, which it must leave as it found it
        try {
            scheduler.awaitTermination(LAST_ONE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        scheduler = null;
        publish(true);
    }

    private void publish(boolean stopping) {
        try {
            Heartbeat heartbeat = heartbeat(stopping);
            clients.producer().send(new ProducerRecord<>(config.topics().workers(), heartbeat.id(), heartbeat.toJson()), (metadata, e) -> {
                if (e != null) {
                    failures.warn("cannot publish this process's heartbeat on " + config.topics().workers(), e);
                }
            });
        } catch (RuntimeException e) {
            failures.warn("cannot publish this process's heartbeat on " + config.topics().workers(), e);
        }
    }

    /** This process now: its lanes' slots and tasks summed (a process runs one lane), named by the first. */
    Heartbeat heartbeat(boolean stopping) {
        Map<Lane, Lanes.Running> running = lanes.running();
        if (!running.isEmpty()) {
            lastLanes = running;
        }
        Lane lane = null;
        int slots = 0;
        int busy = 0;
        int queued = 0;
        long finished = 0;
        long oldest = 0;
        for (Lane each : Lane.values()) {
            Lanes.Running one = lastLanes.get(each);
            if (one == null) {
                continue;
            }
            lane = lane == null ? each : lane;
            slots += one.slots();
            busy += one.runner().running();
            queued += one.runner().queued();
            finished += one.runner().finished();
            oldest = Math.max(oldest, one.consumer().oldestUnfinished().toSeconds());
        }
        Worker self = Worker.current();
        return new Heartbeat(config.role().name().toLowerCase().replace('_', '-'), self.host(), self.pid(), lane, slots, busy, queued,
                finished, oldest, startedAt, Instant.now(), config.heartbeat().interval().toMillis(), stopping);
    }
}
