package io.taskpipe.kafka;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
 * Follows every partition of a topic on a daemon thread of its own, with a consumer outside any group
 * ({@code assign}, no commits: no group ACL, no rebalances), from the records of {@code lookBack} ago (or
 * the end, when none is that recent), handing each record to a sink. A broker that is away or refuses is
 * tried again every second, its failures logged at most once a minute, so a process that watches a topic
 * for a page never stops watching and never fills its log. Unlike {@link TopicReader}, which reads for a
 * check or a test and fails fast, this is for the life of a process.
 */
public final class TopicFollower {

    private static final Logger LOG = Logger.getLogger(TopicFollower.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final Supplier<Consumer<String, byte[]>> consumers;
    private final String topic;
    private final Duration lookBack;
    private final java.util.function.Consumer<ConsumerRecord<String, byte[]>> sink;
    private final ThrottledLog failures = new ThrottledLog(LOG, Duration.ofMinutes(1));
    private volatile boolean following;
    /** Counted down on stop: ends a wait to retry at once, where an interrupt would also break the consumer's close. */
    private volatile CountDownLatch stopped = new CountDownLatch(1);
    private volatile Consumer<String, byte[]> current;
    private Thread reader;

    public TopicFollower(Supplier<Consumer<String, byte[]>> consumers, String topic, Duration lookBack,
                         java.util.function.Consumer<ConsumerRecord<String, byte[]>> sink) {
        this.consumers = consumers;
        this.topic = topic;
        this.lookBack = lookBack;
        this.sink = sink;
    }

    /** Starts following on a thread named {@code name}; again, does nothing. */
    public synchronized void start(String name) {
        if (reader != null) {
            return;
        }
        following = true;
        stopped = new CountDownLatch(1);
        reader = Thread.ofPlatform().name(name).daemon().start(this::follow);
    }

    /** Stops following (the record in hand is handed over first) and closes the consumer; before the process's clients close. */
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
                    consumer.poll(POLL).forEach(sink);
                }
            } catch (WakeupException | InterruptException e) {
                return;
            } catch (RuntimeException e) {
                failures.warn("cannot read " + topic + "; retrying", e);
                if (!pause()) {
                    return;
                }
            } finally {
                current = null;
            }
        }
    }

    /** The topic's partitions, each from its first record of {@code lookBack} ago, or its end when none is that recent. */
    private void assign(Consumer<String, byte[]> consumer) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        if (partitions.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " has no partitions (not created yet?)");
        }
        consumer.assign(partitions);
        long since = Instant.now().minus(lookBack).toEpochMilli();
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
