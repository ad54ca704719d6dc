package io.taskpipe.workers;

/**
 * How far a consumer group is behind on one partition ({@link ConsumerLag#lag()}).
 *
 * @param committed the group's committed offset, -1 when it committed none there
 * @param end       the partition's end offset (the next record's)
 * @param lag       records the group has yet to finish: {@code end - committed}, or, with no commit, every record
 *                  the partition still holds
 */
public record PartitionLag(String group, String topic, int partition, long committed, long end, long lag) {
}
