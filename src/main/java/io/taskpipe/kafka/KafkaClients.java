package io.taskpipe.kafka;

import io.smallrye.common.annotation.Identifier;
import io.taskpipe.config.TaskpipeConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.GroupProtocol;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the plain Kafka clients of the lanes from the same {@code kafka.*} configuration SmallRye's
 * channels use, so security and tuning settings apply everywhere. Delivery settings that the
 * guarantees rest on ({@code acks=all}, idempotence, manual commits) are fixed, not defaults.
 */
@ApplicationScoped
public class KafkaClients {

    private final Map<String, Object> base;
    private final String bootstrapServers;
    private volatile Producer<String, byte[]> producer;

    @Inject
    public KafkaClients(@Identifier("default-kafka-broker") Map<String, Object> kafkaConfig,
                        @ConfigProperty(name = "kafka.bootstrap.servers") Optional<String> configured,
                        TaskpipeConfig config) {
        this(kafkaConfig, configured.orElse("localhost:" + config.embedded().port()));
    }

    public KafkaClients(Map<String, Object> kafkaConfig, String bootstrapServers) {
        this.base = ClientSettings.from(kafkaConfig).set(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers).toMap();
        this.bootstrapServers = bootstrapServers;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The process's one producer (thread-safe), shared by results, dead letters and forwarding. */
    public Producer<String, byte[]> producer() {
        Producer<String, byte[]> p = producer;
        if (p == null) {
            synchronized (this) {
                if (producer == null) {
                    producer = newProducer("taskpipe");
                }
                p = producer;
            }
        }
        return p;
    }

    public Producer<String, byte[]> newProducer(String clientId) {
        return new KafkaProducer<>(producerSettings(clientId));
    }

    /**
     * A transactional producer: what it sends becomes visible to {@code read_committed} consumers all at
     * once, on commit, or not at all. {@code timeout} bounds how long a call may block; the broker aborts
     * a transaction its producer left open (it died in it) after twice that, and until then that
     * transaction's partitions keep their committed readers waiting.
     */
    public Producer<String, byte[]> newTransactionalProducer(String transactionalId, Duration timeout) {
        long millis = timeout.toMillis();
        return new KafkaProducer<>(ClientSettings.from(base)
                .byDefault(ProducerConfig.LINGER_MS_CONFIG, "1")
                .set(CommonClientConfigs.CLIENT_ID_CONFIG, transactionalId)
                .set(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId)
                .set(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Long.toString(Math.max(1000, 2 * millis)))
                .set(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(millis))
                .set(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(Math.max(millis, 1000)))
                .set(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(Math.max(millis / 2, 500)))
                .durableProducer()
                .toMap());
    }

    /**
     * A consumer in {@code group} with manual commits, reading from the earliest offset of a new group;
     * a static member of it when {@code instanceId} is given. It reads committed records only, so a
     * transactional batch (a REST submission) is seen whole or not at all.
     */
    public Consumer<String, byte[]> newConsumer(String group, int maxPollRecords, Optional<String> instanceId) {
        return new KafkaConsumer<>(consumerSettings(group, maxPollRecords, instanceId));
    }

    /**
     * A consumer outside any consumer group, for a reader that assigns itself partitions and commits nothing:
     * it needs no group ACL and disturbs no group.
     */
    public Consumer<String, byte[]> newGroupless(String clientId) {
        return new KafkaConsumer<>(ClientSettings.from(base).noGroup()
                .set(CommonClientConfigs.CLIENT_ID_CONFIG, clientId + "-" + ProcessHandle.current().pid())
                .bytesConsumer().toMap());
    }

    /**
     * A member of share group {@code group} that acquires one record at a time and acknowledges each on its
     * own ({@code record_limit}, explicit acknowledgement). Where a share group starts reading and whether it
     * reads uncommitted records are the group's settings ({@link ShareGroups}), not the consumer's.
     */
    public ShareConsumer<String, byte[]> newShareConsumer(String group) {
        ClientSettings settings = ClientSettings.from(base);
        SHARE_REFUSED.forEach(settings::without);
        return new KafkaShareConsumer<>(settings
                .set(ConsumerConfig.GROUP_ID_CONFIG, group)
                .set(CommonClientConfigs.CLIENT_ID_CONFIG, group + "-" + ProcessHandle.current().pid())
                .set(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit")
                .set(ConsumerConfig.SHARE_ACQUIRE_MODE_CONFIG, "record_limit")
                .set(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1")
                .bytesConsumer().toMap());
    }

    /** Consumer-group settings a share consumer refuses to start with; the shared Kafka settings may hold them. */
    private static final List<String> SHARE_REFUSED = List.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, ConsumerConfig.ISOLATION_LEVEL_CONFIG, ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
            ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG, ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
            ConsumerConfig.GROUP_PROTOCOL_CONFIG, ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG);

    public Admin newAdmin() {
        return Admin.create(ClientSettings.from(base).toMap());
    }

    Map<String, Object> producerSettings(String clientId) {
        return ClientSettings.from(base)
                .byDefault(ProducerConfig.LINGER_MS_CONFIG, "1")
                .set(CommonClientConfigs.CLIENT_ID_CONFIG, clientId + "-" + ProcessHandle.current().pid())
                .durableProducer()
                .toMap();
    }

    Map<String, Object> consumerSettings(String group, int maxPollRecords, Optional<String> instanceId) {
        ClientSettings settings = ClientSettings.from(base);
        if (!GroupProtocol.CONSUMER.name().equalsIgnoreCase(String.valueOf(base.get(ConsumerConfig.GROUP_PROTOCOL_CONFIG)))) {
            // the classic protocol's; with KIP-848's the broker owns session, heartbeats and assignment, and the client refuses them.
            // A member learns of a rebalance from a heartbeat, and a cooperative one takes two rounds: at 2 s (the
            // earlier default) a cpu-worker joining or leaving held its partitions' tasks up 2 to 5 s (G11, docs/benchmarks.md)
            settings.byDefault(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000")
                    .byDefault(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "500")
                    .byDefault(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        }
        settings.set(ConsumerConfig.GROUP_ID_CONFIG, group)
                .set(CommonClientConfigs.CLIENT_ID_CONFIG, group + "-" + ProcessHandle.current().pid())
                .set(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false")
                .set(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")
                .set(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
                .set(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(Math.max(1, Math.min(500, maxPollRecords))));
        instanceId.ifPresent(id -> settings.set(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, id));
        return settings.bytesConsumer().toMap();
    }

    /** Flushes and closes the shared producer (called last on shutdown, after the lanes stopped). */
    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(10));
        }
    }
}
