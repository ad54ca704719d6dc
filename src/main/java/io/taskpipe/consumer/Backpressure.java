package io.taskpipe.consumer;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;

/**
 * How much a lane holds, and the pause that keeps it bounded: records handed out and not finished are
 * limited both in number and in bytes (a count alone lets a few large records exhaust the heap). While
 * the lane is full, or records polled earlier still wait to be handed out, every partition is paused,
 * so the consumer fetches nothing more. Poll thread only; the counts are read by gauges.
 */
final class Backpressure {

    private final int maxRecords;
    private final long maxBytes;
    private volatile int records;
    private volatile long bytes;
    private boolean paused;

    Backpressure(int maxRecords, long maxBytes) {
        this.maxRecords = maxRecords;
        this.maxBytes = maxBytes;
    }

    /** Whether a record of {@code recordBytes} may be handed out now. An empty lane always takes one, however large. */
    boolean hasRoom(int recordBytes) {
        return records == 0 || records < maxRecords && bytes + recordBytes <= maxBytes;
    }

    /** Whether the lane holds as many records as it may (bytes are judged per record, in {@link #hasRoom(int)}). */
    private boolean full() {
        return records >= maxRecords || bytes >= maxBytes;
    }

    void add(int recordBytes) {
        records++;
        bytes += recordBytes;
    }

    void remove(int recordBytes) {
        records--;
        bytes -= recordBytes;
    }

    int records() {
        return records;
    }

    long bytes() {
        return bytes;
    }

    boolean paused() {
        return paused;
    }

    /** Pauses every assigned partition when {@code backlogWaiting} or the lane is full; resumes them once neither holds. */
    void update(Consumer<?, ?> consumer, boolean backlogWaiting) {
        boolean shouldPause = backlogWaiting || full();
        if (shouldPause != paused) {
            if (shouldPause) {
                consumer.pause(consumer.assignment());
            } else {
                consumer.resume(consumer.paused());
            }
            paused = shouldPause;
        }
    }

    /** Newly assigned partitions join the pause, if there is one. */
    void assigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (paused) {
            consumer.pause(partitions);
        }
    }
}
