package io.taskpipe.kafka;

import io.smallrye.common.annotation.Identifier;
import io.taskpipe.config.TaskpipeConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.HashMap;
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
        this.base = new HashMap<>(kafkaConfig);
        this.bootstrapServers = bootstrapServers;
        this.base.put("bootstrap.servers", bootstrapServers);
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
        Map<String, Object> props = new HashMap<>();
        props.put("linger.ms", "1");
        props.putAll(base);
        props.put("client.id", clientId + "-" + ProcessHandle.current().pid());
        props.put("acks", "all");
        props.put("enable.idempotence", "true");
        props.put("key.serializer", StringSerializer.class.getName());
        props.put("value.serializer", ByteArraySerializer.class.getName());
        return new KafkaProducer<>(props);
    }

    /**
     * A transactional producer: what it sends becomes visible to {@code read_committed} consumers all at
     * once, on commit, or not at all. {@code timeout} bounds how long a call may block, and how long the
     * broker keeps a transaction open for a producer that died in it (its partitions' committed readers
     * wait that long).
     */
    public Producer<String, byte[]> newTransactionalProducer(String transactionalId, Duration timeout) {
        Map<String, Object> props = new HashMap<>();
        props.put("linger.ms", "1");
        props.putAll(base);
        props.put("client.id", transactionalId);
        props.put("transactional.id", transactionalId);
        props.put("transaction.timeout.ms", Long.toString(Math.max(1000, 2 * timeout.toMillis())));
        props.put("max.block.ms", Long.toString(timeout.toMillis()));
        props.put("delivery.timeout.ms", Long.toString(Math.max(timeout.toMillis(), 1000)));
        props.put("request.timeout.ms", Long.toString(Math.max(timeout.toMillis() / 2, 500)));
        props.put("acks", "all");
        props.put("enable.idempotence", "true");
        props.put("key.serializer", StringSerializer.class.getName());
        props.put("value.serializer", ByteArraySerializer.class.getName());
        return new KafkaProducer<>(props);
    }

    /**
     * A consumer in {@code group} with manual commits, reading from the earliest offset of a new group;
     * a static member of it when {@code instanceId} is given. It reads committed records only, so a
     * transactional batch (a REST submission) is seen whole or not at all.
     */
    public Consumer<String, byte[]> newConsumer(String group, int maxPollRecords, Optional<String> instanceId) {
        Map<String, Object> props = new HashMap<>();
        props.put("session.timeout.ms", "10000");
        props.put("heartbeat.interval.ms", "2000");
        props.put("partition.assignment.strategy", "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
        props.putAll(base);
        props.put("group.id", group);
        props.put("client.id", group + "-" + ProcessHandle.current().pid());
        props.put("enable.auto.commit", "false");
        props.put("auto.offset.reset", "earliest");
        props.put("isolation.level", "read_committed");
        props.put("max.poll.records", Integer.toString(Math.max(1, Math.min(500, maxPollRecords))));
        instanceId.ifPresent(id -> props.put("group.instance.id", id));
        props.put("key.deserializer", StringDeserializer.class.getName());
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        return new KafkaConsumer<>(props);
    }

    public Admin newAdmin() {
        return Admin.create(new HashMap<>(base));
    }

    /** Flushes and closes the shared producer (called last on shutdown, after the lanes stopped). */
    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(10));
        }
    }
}
