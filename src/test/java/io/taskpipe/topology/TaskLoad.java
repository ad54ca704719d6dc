package io.taskpipe.topology;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskpipe.check.Produced;
import io.taskpipe.testing.Pipeline;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiFunction;

/**
 * Publishes a scenario's tasks the way another system would (record key = ordering key, a {@code seq}
 * per key) and remembers every one of them for the checker.
 */
public final class TaskLoad implements AutoCloseable {

    /** Builds the task with index {@code i}: type and params; id, key and seq are added here. */
    public interface Mix extends BiFunction<Integer, Random, ObjectNode> {
    }

    /** Waiting and computing work, mixed: sleeps, file reads, sums and sieves. */
    public static final Mix MIXED = (i, random) -> switch (random.nextInt(10)) {
        case 0, 1, 2, 3 -> task("io.sleep", "millis", random.nextInt(10));
        case 4, 5 -> task("file.read", "path", "topology.txt");
        case 6, 7, 8 -> task("compute.sum", "n", random.nextInt(2_000_000));
        default -> task("compute.primes", "below", 1_000 + random.nextInt(100_000));
    };

    /** Computing work only: the cpu-workers carry the whole run. */
    public static final Mix CPU = (i, random) -> random.nextBoolean()
            ? task("compute.sum", "n", 1_000_000 + random.nextInt(4_000_000))
            : task("compute.primes", "below", 50_000 + random.nextInt(150_000));

    /** Computing work of 3 to 15 ms a task here, so a killed worker is likely to die in the middle of one. */
    public static final Mix CPU_HEAVY = (i, random) -> task("compute.sum", "n", 10_000_000 + random.nextInt(40_000_000));

    private final KafkaProducer<String, String> producer;
    private final Topology topology;
    private final int keys;
    private final Random random;
    private final int[] nextSeq;
    private final List<Produced> produced = new ArrayList<>();
    private int count;

    public TaskLoad(Topology topology, int keys, long seed) {
        this.topology = topology;
        this.keys = keys;
        this.random = new Random(seed);
        this.nextSeq = new int[keys];
        this.producer = new KafkaProducer<>(Map.of(
                "bootstrap.servers", topology.bootstrap(),
                "acks", "all",
                "enable.idempotence", true,
                "linger.ms", 5,
                "key.serializer", StringSerializer.class.getName(),
                "value.serializer", StringSerializer.class.getName()));
    }

    /** Publishes {@code n} tasks as fast as the producer takes them. */
    public synchronized void send(int n, Mix mix) {
        for (int i = 0; i < n; i++) {
            sendOne(mix.apply(count, random));
        }
        producer.flush();
    }

    /** Publishes tasks at a steady rate for a while (on the calling thread). */
    public void sendAtRate(int perSecond, Duration duration, Mix mix) {
        long interval = 1_000_000_000L / perSecond;
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        for (long next = start; next < end; next += interval) {
            LockSupport.parkNanos(next - System.nanoTime());
            synchronized (this) {
                sendOne(mix.apply(count, random));
            }
        }
        producer.flush();
    }

    /** Publishes one task of the given JSON (a test's special task), with id, key and seq added. */
    public synchronized String send(ObjectNode task) {
        String id = sendOne(task);
        producer.flush();
        return id;
    }

    private String sendOne(ObjectNode task) {
        int k = random.nextInt(keys);
        int seq = ++nextSeq[k];
        String id = topology.idPrefix() + count++;
        String key = topology.idPrefix() + "key-" + k;
        task.put("id", id).put("key", key).put("seq", seq);
        producer.send(new ProducerRecord<>(topology.tasksTopic(), key, task.toString()));
        produced.add(new Produced(id, key, (long) seq));
        return id;
    }

    public synchronized List<Produced> produced() {
        return List.copyOf(produced);
    }

    /** A task of {@code type} without parameters. */
    public static ObjectNode task(String type) {
        ObjectNode task = Pipeline.JSON.createObjectNode().put("type", type);
        task.putObject("params");
        return task;
    }

    /** A task of {@code type} with one parameter. */
    public static ObjectNode task(String type, String param, Object value) {
        ObjectNode task = Pipeline.JSON.createObjectNode().put("type", type);
        task.putObject("params").set(param, Pipeline.JSON.valueToTree(value));
        return task;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
