package io.taskpipe.consumer;

import java.time.Duration;
import java.util.Optional;

/**
 * What feeds a lane its records and takes their outcomes back to the broker: a consumer group's
 * partitions ({@link LaneConsumer}) or a share group's records ({@link ShareLaneConsumer}).
 */
public interface LaneFeed {

    /** A delivery overdue for its outcome: the lane is stalled and needs a restart. */
    record Stall(String task, Duration overdueBy) {
    }

    void start();

    /** Stops taking records, waits up to {@code grace} for running tasks, hands the rest back, and leaves the group. */
    void stop(Duration grace);

    /** Whether the feed's threads are alive and have polled recently. */
    boolean isAlive();

    /** The delivery most overdue for its outcome, if any. */
    Optional<Stall> stall();

    /** How long the oldest record handed to the lane has waited for its outcome. */
    Duration oldestUnfinished();

    /** Whether the group took this member in: until then the lane cannot process anything. */
    boolean joined();

    /** Records handed out whose outcome is not yet durable. */
    int outstanding();

    /** Bytes of those records. */
    long heldBytes();

    /** Records whose end is not yet acknowledged to the broker: what would run again if this process died now. */
    int uncommitted();
}
