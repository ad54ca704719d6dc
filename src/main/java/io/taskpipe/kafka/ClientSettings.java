package io.taskpipe.kafka;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * The settings of a Kafka client, on the clients' own constants ({@link CommonClientConfigs},
 * {@link ProducerConfig}, {@link ConsumerConfig}, {@code AdminClientConfig}): a misspelt key is a
 * compile error, not a setting Kafka ignores with a warning. {@link #byDefault} gives a value the
 * starting settings may override; {@link #set} and the named groups fix it.
 */
public final class ClientSettings {

    private final Map<String, Object> settings;

    private ClientSettings(Map<String, ?> base) {
        this.settings = new HashMap<>(base);
    }

    /** Starts from a copy of {@code base} (the {@code kafka.*} configuration, a load target's settings). */
    public static ClientSettings from(Map<String, ?> base) {
        return new ClientSettings(base);
    }

    /** A client of the broker(s) at {@code bootstrapServers}, with Kafka's defaults otherwise. */
    public static ClientSettings bootstrap(String bootstrapServers) {
        return new ClientSettings(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    public ClientSettings set(String key, Object value) {
        settings.put(key, value);
        return this;
    }

    /** A value that the starting settings, when they have one, override. */
    public ClientSettings byDefault(String key, Object value) {
        settings.putIfAbsent(key, value);
        return this;
    }

    public ClientSettings without(String key) {
        settings.remove(key);
        return this;
    }

    /**
     * A producer of tasks and results (string keys, byte values) whose sends count once every in-sync
     * replica has them ({@code acks=all}) and are written once however often they are retried (idempotence).
     */
    public ClientSettings durableProducer() {
        return set(ProducerConfig.ACKS_CONFIG, "all")
                .set(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true")
                .set(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName())
                .set(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    }

    /** A consumer of records with string keys and byte values, as taskpipe's topics hold them. */
    public ClientSettings bytesConsumer() {
        return set(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName())
                .set(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    }

    /** A consumer outside any group: it assigns itself partitions and commits nothing, so no group notices it. */
    public ClientSettings noGroup() {
        return without(ConsumerConfig.GROUP_ID_CONFIG)
                .without(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG)
                .set(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    }

    public String bootstrapServers() {
        return String.valueOf(settings.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
    }

    /** The settings, for a client's constructor (an unmodifiable copy). */
    public Map<String, Object> toMap() {
        return Collections.unmodifiableMap(new HashMap<>(settings));
    }
}
