package io.taskpipe.consumer;

import io.taskpipe.config.StartCommit;

import java.time.Duration;

/**
 * How a lane consumes.
 *
 * @param name           names the lane's thread and log lines, e.g. {@code io-lane}
 * @param topic          the topic it reads
 * @param maxRecords     records handed out and not yet finished, at most (running, queued, retrying)
 * @param maxBytes       bytes of those records (key, value and headers), at most: what memory the lane
 *                       may hold whatever the records' sizes; one record is always let through
 * @param maxDeliveries  deliveries that started a record and lost their process, after which it is given up on
 * @param startCommit    when a task's start is recorded (see {@link Delivery#start()})
 * @param startWindow    with {@code AHEAD}, offsets a partition's start window reaches past the last record handed out
 * @param revokeGrace    on a rebalance, how long revoked partitions' running tasks may take before
 *                       they are cancelled and their outcomes fenced
 * @param commitInterval how often progress is committed when nothing forces a commit sooner: each commit is
 *                       a write at the broker; a crash replays at most this much more finished work
 */
public record ConsumerSettings(String name, String topic, int maxRecords, long maxBytes, int maxDeliveries,
                               StartCommit startCommit, int startWindow, Duration revokeGrace, Duration commitInterval) {
}
