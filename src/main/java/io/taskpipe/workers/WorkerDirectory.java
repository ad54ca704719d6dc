package io.taskpipe.workers;

import io.taskpipe.config.TaskpipeConfig;
import io.taskpipe.kafka.KafkaClients;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Every process of the pipeline (dispatchers, all-in-ones, cpu-workers in any pod) as its heartbeats on
 * {@code taskpipe.topics.workers} show it, for a dispatcher's dashboard. It reads that topic on a daemon
 * thread of its own with a consumer outside any group ({@code assign}, no commits: no group ACL, no
 * rebalances), starting {@link #LOOK_BACK} back so that it knows the pipeline, rates included, from its
 * first second. A broker that is away is retried, its failures logged at most once a minute; the list then
 * shows everyone lost until heartbeats arrive again.
 */
@ApplicationScoped
public class WorkerDirectory {

    private static final Logger LOG = Logger.getLogger(WorkerDirectory.class);
    /** How far back reading starts: a few heartbeats of every live process, and the last of those that just went. */
    static final Duration LOOK_BACK = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final Supplier<Consumer<String, byte[]>> consumers;
    private final String topic;
    private final ProcessTable table = new ProcessTable();
    private final ThrottledLog failures = new ThrottledLog(LOG, Duration.ofMinutes(1));
    private volatile boolean following;
    /** Counted down on stop: ends a wait to retry at once, where an interrupt would also break the consumer's close. */
    private volatile CountDownLatch stopped = new CountDownLatch(1);
    private volatile Consumer<String, byte[]> current;
    private Thread reader;

    @Inject
    public WorkerDirectory(TaskpipeConfig config, KafkaClients clients) {
        this(() -> clients.newGroupless("taskpipe-worker-directory"), config.topics().workers());
    }

    WorkerDirectory(Supplier<Consumer<String, byte[]>> consumers, String topic) {
        this.consumers = consumers;
        this.topic = topic;
    }

    /** The processes heard from in the last minute or so, by role then id; empty where the directory was not started. */
    public List<ProcessStatus> processes() {
        return table.processes(Instant.now());
    }

    /** Starts reading heartbeats (a dispatching process does, after its lanes started). */
    public synchronized void start() {
        if (reader != null) {
            return;
        }
        following = true;
        stopped = new CountDownLatch(1);
        reader = Thread.ofPlatform().name("taskpipe-worker-directory").daemon().start(this::follow);
    }

    /** Stops reading and closes the consumer; before the process's Kafka clients close. */
    public synchronized void stop() {
        if (reader == null) {
            return;
        }
        following = false;
        stopped.countDown();
        Consumer<String, byte[]> consumer = current;
        if (consumer != null) {
            consumer.wakeup();
        }
        try {
            reader.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reader = null;
    }

    private void follow() {
        while (following) {
            try (Consumer<String, byte[]> consumer = consumers.get()) {
                current = consumer;
                if (!following) {
                    return; // stopped before it could wake this consumer up
                }
                assign(consumer);
                while (following) {
                    consumer.poll(POLL).forEach(record -> table.accept(record, Instant.now()));
                }
            } catch (WakeupException | InterruptException e) {
                return;
            } catch (RuntimeException e) {
                failures.warn("cannot read the heartbeats on " + topic + "; retrying", e);
                if (!pause()) {
                    return;
                }
            } finally {
                current = null;
            }
        }
    }

    /** The topic's partitions, each from its first heartbeat of {@link #LOOK_BACK} ago, or its end when none is that recent. */
    private void assign(Consumer<String, byte[]> consumer) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        if (partitions.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " has no partitions (not created yet?)");
        }
        consumer.assign(partitions);
        long since = Instant.now().minus(LOOK_BACK).toEpochMilli();
        Map<TopicPartition, Long> times = new HashMap<>();
        partitions.forEach(partition -> times.put(partition, since));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(times);
        for (TopicPartition partition : partitions) {
            OffsetAndTimestamp start = found.get(partition);
            if (start != null) {
                consumer.seek(partition, start.offset());
            } else {
                consumer.seekToEnd(List.of(partition));
            }
        }
    }

    /** Waits a moment before retrying; false when stopped meanwhile. */
    private boolean pause() {
        try {
            return !stopped.await(RETRY.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            return false;
        }
    }
}
