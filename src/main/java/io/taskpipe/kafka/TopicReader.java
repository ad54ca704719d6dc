package io.taskpipe.kafka;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads every partition of one or more topics from their beginning or from their current end, with no
 * consumer group and no commits: an observer that never disturbs the groups of the pipeline it watches.
 * The starting point is fixed when the reader is made, so a record produced after that is read even
 * if it was produced before the first poll. Records are read either on the calling thread up to the
 * end offsets of a moment ({@link #readToEnd}), or on a thread of the reader's own until it is closed
 * ({@link #follow}).
 */
public final class TopicReader implements AutoCloseable {

    /** Where reading starts. */
    public enum From { BEGINNING, END }

    private static final Duration POLL = Duration.ofMillis(100);

    private final KafkaConsumer<String, byte[]> consumer;
    private final List<TopicPartition> partitions = new ArrayList<>();
    private Thread follower;
    private volatile boolean following;
    private boolean closed;

    /** A reader of {@code topics} with these client settings (at least the bootstrap servers; a group in them is dropped). */
    public TopicReader(Map<String, ?> settings, Collection<String> topics, From from) {
        consumer = new KafkaConsumer<>(ClientSettings.from(settings).noGroup().bytesConsumer()
                .set(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000").toMap());
        try {
            for (String topic : topics) {
                consumer.partitionsFor(topic, Duration.ofSeconds(60)).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            if (from == From.BEGINNING) {
                consumer.seekToBeginning(partitions);
            } else {
                consumer.seekToEnd(partitions);
            }
            partitions.forEach(consumer::position); // seeks are lazy: resolve them now, not at the first poll
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
    }

    /** Hands {@code sink} every record up to the topics' end at this moment. */
    public void readToEnd(Consumer<ConsumerRecord<String, byte[]>> sink) {
        readToEnd(Duration.ZERO, sink);
    }

    /**
     * Hands {@code sink} every record up to the topics' end at this moment, then goes on until no record
     * arrived for {@code quiet} (what is still on its way, such as a late duplicate).
     */
    public void readToEnd(Duration quiet, Consumer<ConsumerRecord<String, byte[]>> sink) {
        if (follower != null) {
            throw new IllegalStateException("this reader follows its topics on a thread of its own");
        }
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        long quietSince = System.nanoTime();
        while (!caughtUp(end) || System.nanoTime() - quietSince < quiet.toNanos()) {
            ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
            if (!records.isEmpty()) {
                quietSince = System.nanoTime();
            }
            records.forEach(sink);
        }
    }

    /** Hands {@code sink} each record as it arrives, on a thread named {@code name}, until {@link #close()}. */
    public TopicReader follow(String name, Consumer<ConsumerRecord<String, byte[]>> sink) {
        if (follower != null) {
            throw new IllegalStateException("already following");
        }
        following = true;
        follower = Thread.ofPlatform().name(name).start(() -> {
            try {
                while (following) {
                    consumer.poll(POLL).forEach(sink);
                }
            } catch (WakeupException e) {
                // closed
            }
        });
        return this;
    }

    private boolean caughtUp(Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    /** Stops following (the record in hand is delivered first) and closes the consumer; again, does nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (follower != null) {
            following = false;
            consumer.wakeup();
            boolean interrupted = false;
            while (follower.isAlive()) {
                try {
                    follower.join(); // the consumer is the follower's until it has stopped
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        consumer.close();
    }
}
