package io.taskpipe.workers;

import io.taskpipe.config.HeartbeatConfig;
import io.taskpipe.config.TaskpipeConfig;
import io.taskpipe.config.TopicsConfig;
import io.taskpipe.kafka.KafkaClients;
import io.taskpipe.lanes.Lanes;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class HeartbeatPublisherTest {

    private final MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    private HeartbeatPublisher publisher;

    @AfterEach
    void stop() {
        if (publisher != null) {
            publisher.stop();
        }
    }

    @Test
    void publishesEachIntervalKeyedByTheProcessAndALastOneSayingItStops() throws Exception {
        publisher = publisher(producer);
        publisher.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() >= 3);

        publisher.stop();
        publisher = null;

        List<ProducerRecord<String, byte[]>> sent = producer.history();
        assertThat(sent).allSatisfy(record -> assertThat(record.topic()).isEqualTo("t.workers"));
        Heartbeat first = Heartbeat.fromJson(sent.getFirst().value());
        assertThat(sent.getFirst().key()).isEqualTo(first.id()).isEqualTo(first.host() + ":" + ProcessHandle.current().pid());
        assertThat(first.role()).isEqualTo("cpu-worker");
        assertThat(first.intervalMs()).isEqualTo(10);
        assertThat(first.stopping()).isFalse();
        assertThat(Heartbeat.fromJson(sent.getLast().value()).stopping()).isTrue();
    }

    /**
     * A producer that fails every send, by throwing or in its callback, costs the heartbeats and nothing else:
     * nothing is thrown, and the next ones are still tried.
     */
    @Test
    void aFailingSendIsNeitherThrownNorTheEndOfHeartbeats() {
        AtomicInteger attempts = new AtomicInteger();
        MockProducer<String, byte[]> failing = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer()) {
            @Override
            public synchronized Future<RecordMetadata> send(ProducerRecord<String, byte[]> record, Callback callback) {
                if (attempts.incrementAndGet() % 2 == 0) {
                    throw new IllegalStateException("the broker is away");
                }
                callback.onCompletion(null, new TimeoutException("the broker is away"));
                return CompletableFuture.failedFuture(new TimeoutException("the broker is away"));
            }
        };
        publisher = publisher(failing);
        publisher.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> attempts.get() >= 4);
    }

    private static HeartbeatPublisher publisher(Producer<String, byte[]> producer) {
        KafkaClients clients = new KafkaClients(Map.of(), "localhost:1") {
            @Override
            public Producer<String, byte[]> producer() {
                return producer;
            }
        };
        Lanes noLanes = new Lanes(null, null, null, null, null, null, null);
        return new HeartbeatPublisher(config(), clients, noLanes);
    }

    private static TaskpipeConfig config() {
        TopicsConfig topics = proxy(TopicsConfig.class, Map.of("workers", "t.workers"));
        HeartbeatConfig heartbeat = proxy(HeartbeatConfig.class, Map.of("interval", Duration.ofMillis(10)));
        return proxy(TaskpipeConfig.class, Map.of("role", TaskpipeConfig.Role.CPU_WORKER, "topics", topics, "heartbeat", heartbeat));
    }

    private static <T> T proxy(Class<T> type, Map<String, Object> answers) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> {
            if (!answers.containsKey(method.getName())) {
                throw new UnsupportedOperationException(method.getName());
            }
            return answers.get(method.getName());
        }));
    }
}
