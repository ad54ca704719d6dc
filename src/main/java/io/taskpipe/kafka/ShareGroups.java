package io.taskpipe.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** What a share group of taskpipe's needs from the broker, settled once as a cpu-worker starts. */
public final class ShareGroups {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String DELIVERY_LIMIT = "group.share.delivery.count.limit";

    private ShareGroups() {
    }

    /**
     * Makes {@code group} read from the log's start when it is new (a share group starts at its end by
     * default, and tasks published before the first worker joined would never run) and read committed
     * records only, as the consumer groups do (a transactional batch is seen whole or not at all); with
     * {@code lock}, the group's records are locked that long for the worker holding one.
     */
    public static void configure(Admin admin, String group, Optional<Duration> lock) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.GROUP, group);
        List<AlterConfigOp> settings = new ArrayList<>(List.of(set("share.auto.offset.reset", "earliest"),
                set("share.isolation.level", "read_committed")));
        lock.ifPresent(duration -> settings.add(set("share.record.lock.duration.ms", Long.toString(duration.toMillis()))));
        await(admin.incrementalAlterConfigs(Map.of(resource, settings)).all(), "configure share group " + group);
    }

    private static AlterConfigOp set(String name, String value) {
        return new AlterConfigOp(new ConfigEntry(name, value), AlterConfigOp.OpType.SET);
    }

    /** How often the broker delivers a record of a share group before it archives it: its {@value #DELIVERY_LIMIT}. */
    public static int deliveryLimit(Admin admin) {
        Node node = await(admin.describeCluster().nodes(), "describe the cluster").iterator().next();
        ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, node.idString());
        Config config = await(admin.describeConfigs(List.of(broker)).all(), "read the broker's settings").get(broker);
        ConfigEntry limit = config.get(DELIVERY_LIMIT);
        if (limit == null || limit.value() == null) {
            throw new IllegalStateException("the broker does not report " + DELIVERY_LIMIT + ": it serves no share groups (Kafka 4.2 or later)");
        }
        return Integer.parseInt(limit.value());
    }

    /**
     * How many records of {@code topic} the group has not finished: waiting, or held by a worker. The broker's
     * lag of each partition (KIP-1226), summed; a partition without one (the group has not read it yet) counts
     * from its log's start to its end, as a new group of taskpipe's reads from the start.
     */
    public static long backlog(Admin admin, String group, String topic) {
        List<TopicPartition> partitions = await(admin.describeTopics(List.of(topic)).allTopicNames(), "describe topic " + topic)
                .get(topic).partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        Map<TopicPartition, SharePartitionOffsetInfo> offsets = await(admin.listShareGroupOffsets(Map.of(group,
                new ListShareGroupOffsetsSpec().topicPartitions(partitions))).partitionsToOffsetInfo(group), "list the offsets of share group " + group);
        long backlog = 0;
        List<TopicPartition> unread = new ArrayList<>();
        for (TopicPartition partition : partitions) {
            SharePartitionOffsetInfo info = offsets.get(partition);
            Optional<Long> lag = info == null ? Optional.empty() : info.lag();
            if (lag.isPresent()) {
                backlog += lag.get();
            } else {
                unread.add(partition);
            }
        }
        if (!unread.isEmpty()) {
            Map<TopicPartition, Long> starts = offsets(admin, unread, OffsetSpec.earliest());
            Map<TopicPartition, Long> ends = offsets(admin, unread, OffsetSpec.latest());
            backlog += unread.stream().mapToLong(p -> ends.get(p) - starts.get(p)).sum();
        }
        return backlog;
    }

    private static Map<TopicPartition, Long> offsets(Admin admin, List<TopicPartition> partitions, OffsetSpec spec) {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(p -> request.put(p, spec));
        Map<TopicPartition, Long> offsets = new HashMap<>();
        await(admin.listOffsets(request).all(), "list offsets").forEach((p, info) -> offsets.put(p, info.offset()));
        return offsets;
    }

    private static <T> T await(KafkaFuture<T> future, String what) {
        try {
            return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while trying to " + what, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot " + what + ": " + (e.getCause() != null ? e.getCause() : e), e);
        }
    }
}
