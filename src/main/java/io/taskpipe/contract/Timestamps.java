package io.taskpipe.contract;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.time.Duration;
import java.time.Instant;

/**
 * The window a task's timestamps must lie in to be believed: from {@link #MAX_AGE} before the moment a
 * lane reads the task to {@link #MAX_SKEW} after it. A {@code createdAt} outside is rejected
 * ({@code INVALID_TASK}); a record timestamp outside (producers set it) is replaced by the time the lane
 * read the record. Latency figures are then never built on a clock that is centuries off.
 */
public final class Timestamps {

    /** Oldest believable timestamp, as an age: a month (Kafka keeps a week by default). */
    public static final Duration MAX_AGE = Duration.ofDays(30);
    /** How far ahead of this process's clock a producer's clock may be. */
    public static final Duration MAX_SKEW = Duration.ofMinutes(5);

    private Timestamps() {
    }

    public static boolean believable(Instant timestamp, Instant now) {
        return !timestamp.isBefore(now.minus(MAX_AGE)) && !timestamp.isAfter(now.plus(MAX_SKEW));
    }

    /** When the record reached its topic: its timestamp if believable, else now. */
    public static Instant enqueuedAt(ConsumerRecord<?, ?> record) {
        Instant now = Instant.now();
        Instant stamped = Instant.ofEpochMilli(Math.max(0, record.timestamp()));
        return believable(stamped, now) ? stamped : now;
    }
}
