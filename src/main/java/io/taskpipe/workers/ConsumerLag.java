package io.taskpipe.workers;

import io.taskpipe.config.TaskpipeConfig;
import io.taskpipe.kafka.KafkaClients;
import io.taskpipe.kafka.ThrottledLog;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The lag per partition of the lanes' consumer groups, as KEDA scales on it: the dispatchers' group on the
 * tasks topic and the cpu-workers' group on the CPU topic. Measured on the caller's thread at most once a
 * second (callers in between get the last measurement); a measurement that fails is logged at most once a
 * minute and the last known lag returned, so a dashboard never sees an exception. Empty in a cpu-worker.
 */
@ApplicationScoped
public class ConsumerLag {

    private static final Logger LOG = Logger.getLogger(ConsumerLag.class);
    private static final Duration FRESH = Duration.ofSeconds(1);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** A consumer group and the topic it reads. */
    record Watched(String group, String topic) {
    }

    private final Supplier<Admin> admins;
    private final List<Watched> watched;
    private final ThrottledLog failures = new ThrottledLog(LOG, Duration.ofMinutes(1));
    private Admin admin;
    private List<PartitionLag> last = List.of();
    private long measuredAt;
    private boolean measured;
    private boolean closed;

    @Inject
    public ConsumerLag(TaskpipeConfig config, KafkaClients clients) {
        this(clients::newAdmin, config.role().dispatches()
                ? List.of(new Watched(config.lanes().io().group(), config.topics().tasks()),
                        new Watched(config.lanes().cpu().group(), config.topics().cpuTasks()))
                : List.of());
    }

    ConsumerLag(Supplier<Admin> admins, List<Watched> watched) {
        this.admins = admins;
        this.watched = watched;
    }

    /** Each watched partition's lag, by group, topic and partition; never older than a second unless measuring fails. */
    public synchronized List<PartitionLag> lag() {
        if (watched.isEmpty() || closed || (measured && System.nanoTime() - measuredAt < FRESH.toNanos())) {
            return last;
        }
        measured = true;
        measuredAt = System.nanoTime();
        try {
            if (admin == null) {
                admin = admins.get();
            }
            List<PartitionLag> all = new ArrayList<>();
            for (Watched each : watched) {
                all.addAll(measure(admin, each.group(), each.topic(), TIMEOUT));
            }
            last = List.copyOf(all);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            failures.warn("cannot measure the consumer groups' lag", e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e);
        }
        return last;
    }

    /**
     * The lag of {@code group} on every partition of {@code topic}: its committed offsets against the partitions'
     * end offsets (and their start, where it committed none). Needs DESCRIBE on the topic and the group.
     */
    public static List<PartitionLag> measure(Admin admin, String group, String topic, Duration timeout)
            throws ExecutionException, InterruptedException, TimeoutException {
        long millis = timeout.toMillis();
        List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(millis, TimeUnit.MILLISECONDS)
                .get(topic).partitions().stream().map(p -> new TopicPartition(topic, p.partition()))
                .sorted(Comparator.comparingInt(TopicPartition::partition)).toList();
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                .get(millis, TimeUnit.MILLISECONDS);
        Map<TopicPartition, ListOffsetsResultInfo> ends = offsets(admin, partitions, OffsetSpec.latest(), millis);
        Map<TopicPartition, ListOffsetsResultInfo> starts = offsets(admin, partitions, OffsetSpec.earliest(), millis);
        List<PartitionLag> lags = new ArrayList<>();
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata commit = committed.get(partition);
            long at = commit == null ? -1 : commit.offset();
            long end = ends.get(partition).offset();
            long from = at >= 0 ? at : starts.get(partition).offset();
            lags.add(new PartitionLag(group, topic, partition.partition(), at, end, Math.max(0, end - from)));
        }
        return lags;
    }

    private static Map<TopicPartition, ListOffsetsResultInfo> offsets(Admin admin, List<TopicPartition> partitions, OffsetSpec spec,
                                                                       long millis)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, OffsetSpec> wanted = new HashMap<>();
        partitions.forEach(partition -> wanted.put(partition, spec));
        return admin.listOffsets(wanted).all().get(millis, TimeUnit.MILLISECONDS);
    }

    /** Closes the admin client; later calls return the last measurement. */
    public synchronized void close() {
        closed = true;
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
            admin = null;
        }
    }
}
