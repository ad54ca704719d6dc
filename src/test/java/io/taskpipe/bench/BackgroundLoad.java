package io.taskpipe.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskpipe.contract.Task;
import io.taskpipe.contract.TaskJson;
import io.taskpipe.kafka.ClientSettings;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;

/**
 * A steady stream of tasks at a fixed rate for a fixed time, that nobody waits for: the load that
 * keeps a lane busy while another measurement runs.
 */
final class BackgroundLoad implements AutoCloseable {

    private final Thread thread;
    private volatile boolean running = true;

    BackgroundLoad(String bootstrap, String topic, String type, ObjectNode params, double rate, Duration duration) {
        thread = Thread.ofPlatform().name("background-load").start(() -> {
            try (var producer = new KafkaProducer<String, byte[]>(ClientSettings.bootstrap(bootstrap).durableProducer()
                    .set(ProducerConfig.LINGER_MS_CONFIG, "1").toMap())) {
                long start = System.nanoTime();
                long count = Math.round(rate * duration.toNanos() / 1e9);
                for (long i = 0; running && i < count; i++) {
                    long due = start + Math.round(i * 1e9 / rate);
                    for (long wait; running && (wait = due - System.nanoTime()) > 0; ) {
                        LockSupport.parkNanos(wait);
                    }
                    String id = "background-" + i;
                    Task task = new Task(null, id, type, id, null, Instant.now(), null, params);
                    producer.send(new ProducerRecord<>(topic, id, TaskJson.write(task)));
                }
            }
        });
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join();
    }
}
