package io.taskpipe.consumer;

import io.taskpipe.config.StartCommit;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;

/**
 * A {@link LaneConsumer} on Kafka's {@link MockConsumer}: the test adds records and takes each delivery
 * the lane hands out, playing the task. No broker; the lane's own poll thread runs for real.
 */
final class MockLane implements AutoCloseable {

    static final String TOPIC = "tasks";
    static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    static final TopicPartition P1 = new TopicPartition(TOPIC, 1);

    /** A record as the lane handed it over. */
    record Handed(ConsumerRecord<String, byte[]> record, Delivery delivery) {
    }

    final Polled consumer = new Polled();
    final BlockingQueue<Handed> handed = new LinkedBlockingQueue<>();
    final LaneConsumer lane;

    MockLane(ConsumerSettings settings) {
        consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
        lane = new LaneConsumer(consumer, settings, (record, delivery) -> handed.add(new Handed(record, delivery)));
    }

    /** A lane's settings; with {@code AHEAD}, a start window of 4 offsets. */
    static ConsumerSettings settings(int maxRecords, long maxBytes, StartCommit startCommit, Duration revokeGrace) {
        return new ConsumerSettings("test-lane", TOPIC, maxRecords, maxBytes, 3, startCommit, 4, revokeGrace, Duration.ofMillis(20));
    }

    private final Map<TopicPartition, OffsetAndMetadata> earlierCommits = new HashMap<>();

    /** What an earlier owner committed, before this lane takes the partition. */
    MockLane previouslyCommitted(TopicPartition partition, long position, String metadata) {
        earlierCommits.put(partition, new OffsetAndMetadata(position, metadata));
        return this;
    }

    /** Starts the lane and has the group give it these partitions. */
    MockLane start(TopicPartition... partitions) {
        consumer.schedulePollTask(() -> {
            consumer.commitSync(earlierCommits); // after subscribe, which clears a MockConsumer's commits
            consumer.rebalance(List.of(partitions));
        });
        lane.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> consumer.assignment().containsAll(List.of(partitions)));
        return this;
    }

    /** Takes partitions away, on the poll thread as a real rebalance would. */
    void rebalance(TopicPartition... keep) {
        consumer.schedulePollTask(() -> consumer.rebalance(List.of(keep)));
        consumer.wakeup();
    }

    /** Records at offsets 0, 1, ... of {@code count}, 10 bytes each. */
    void addRecords(TopicPartition partition, int count) {
        for (int offset = 0; offset < count; offset++) {
            add(partition, offset, 10);
        }
    }

    void add(TopicPartition partition, long offset, int valueBytes) {
        consumer.addRecord(new ConsumerRecord<>(partition.topic(), partition.partition(), offset, System.currentTimeMillis(),
                TimestampType.CREATE_TIME, 1, valueBytes, "k" + offset % 10, new byte[valueBytes], new RecordHeaders(), Optional.empty()));
    }

    Handed next() throws InterruptedException {
        Handed next = handed.poll(5, TimeUnit.SECONDS);
        if (next == null) {
            throw new AssertionError("the lane handed nothing out within 5 s");
        }
        return next;
    }

    /** What the lane last committed of a partition, null for nothing. */
    OffsetAndMetadata committed(TopicPartition partition) {
        return consumer.lastCommitted.get(partition);
    }

    @Override
    public void close() {
        lane.stop(Duration.ofSeconds(1));
    }

    /** MockConsumer answers an empty poll at once; a real poll waits. This one waits a moment, so the loop does not spin. */
    static final class Polled extends MockConsumer<String, byte[]> {
        /** The lane's rebalance listener, so a test can tell it partitions were lost (MockConsumer cannot). */
        volatile ConsumerRebalanceListener listener;
        /** Every commit, kept: a MockConsumer forgets them for partitions it no longer holds. */
        final Map<TopicPartition, OffsetAndMetadata> lastCommitted = new ConcurrentHashMap<>();

        /** Set to refuse the next synchronous commit, as a broker does while the group rebalances. */
        volatile boolean failNextCommit;
        /** Synchronous commits that succeeded. */
        final AtomicInteger syncCommits = new AtomicInteger();
        /** Set to leave asynchronous commits unanswered, as if still on their way to the broker. */
        volatile boolean holdAsyncCommits;

        @Override
        public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
            if (failNextCommit) {
                failNextCommit = false;
                throw new RebalanceInProgressException("the group rebalances");
            }
            super.commitSync(offsets);
            lastCommitted.putAll(offsets);
            syncCommits.incrementAndGet();
        }

        @Override
        public synchronized void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
            if (holdAsyncCommits) {
                return;
            }
            lastCommitted.putAll(offsets);
            super.commitAsync(offsets, callback);
        }

        Polled() {
            super("earliest");
        }

        @Override
        public void subscribe(Collection<String> topics, ConsumerRebalanceListener rebalanceListener) {
            this.listener = rebalanceListener;
            super.subscribe(topics, rebalanceListener);
        }

        @Override
        public synchronized ConsumerRecords<String, byte[]> poll(Duration timeout) {
            ConsumerRecords<String, byte[]> records = super.poll(timeout);
            if (records.isEmpty()) {
                try {
                    wait(Math.max(1, Math.min(5, timeout.toMillis())));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return records;
        }

        @Override
        public synchronized void wakeup() {
            super.wakeup();
            notifyAll();
        }
    }
}
