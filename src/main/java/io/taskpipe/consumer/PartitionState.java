package io.taskpipe.consumer;

import org.apache.kafka.common.TopicPartition;

import java.util.HashSet;
import java.util.Set;

/**
 * One partition this lane holds: its progress, what was last committed of it, and its deliveries not
 * yet finished. Used by the poll thread only, except {@link #owned}, {@link #startableUntil} and
 * {@link #exactUntil}, which task threads read.
 */
final class PartitionState {

    final TopicPartition partition;
    final PartitionProgress progress;
    /** Offsets below it start only once their start is committed: what a dead owner may have started unrecorded. */
    final long exactUntil;
    final Set<GroupDelivery> deliveries = new HashSet<>();
    /** False once the partition is revoked or lost: none of its deliveries may start any more. */
    volatile boolean owned = true;
    /** Offsets below it may start before their start is committed: the start window the broker acknowledged. */
    volatile long startableUntil;
    long committedPosition;
    String committedMetadata;

    PartitionState(TopicPartition partition, PartitionProgress progress, long committedPosition, String committedMetadata) {
        this.partition = partition;
        this.progress = progress;
        this.exactUntil = progress.exactUntil();
        this.committedPosition = committedPosition;
        this.committedMetadata = committedMetadata;
    }
}
