package io.taskpipe.topology;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskpipe.contract.Headers;
import io.taskpipe.kafka.ClientSettings;
import io.taskpipe.testing.KafkaBroker;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every record ends, whatever is published: careless and hostile input through Kafka and through REST,
 * each followed by a normal task of its key, on a dispatcher and a cpu-worker started from the jar.
 * Asserted for the whole run: each task ends with its documented status and code, every normal task
 * succeeds, the groups' committed positions reach the end of their partitions, the dispatcher's live heap
 * stays under {@value #LIVE_HEAP_BOUND_MIB} MiB and its lane under its byte budget while 90 MB of large
 * tasks queue on one key, and neither process ever reports itself not live.
 */
class AdversarialIT {

    /** The dispatcher's heap after a full collection, at most (its -Xmx is 384 MiB). */
    static final int LIVE_HEAP_BOUND_MIB = 256;
    /** What the CPU topic and the dead-letter topic take at most here: the broker refuses larger records. */
    static final int SMALL_TOPIC_BYTES = 100_000;

    private static final Path FILES = KafkaBroker.filesDir();

    /** A task published on purpose, and how it must end. */
    private record Case(String name, String id, String status, String code) {
    }

    @Test
    void everyHostileRecordEndsWithItsCodeWhileTheLanesGoOnInBoundedMemory() throws Exception {
        writeImages();
        try (Topology topology = new Topology("adversarial", KafkaBroker.broker().bootstrapServers(), FILES)
                .with("taskpipe.tasks.test-types-enabled", "true")
                .with("taskpipe.routing.\"test.flaky\"", "IO")
                .with("taskpipe.retries.initial-backoff", "50ms")
                .with("taskpipe.retries.max-backoff", "100ms")
                .with("taskpipe.api.max-tasks", "2000");
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(ClientSettings.bootstrap(topology.bootstrap())
                     .set(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "1048000").durableProducer().toMap())) {
            topology.createTopic(topology.names().cpuTasks(), 8, Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(SMALL_TOPIC_BYTES)));
            topology.createTopic(topology.names().dlq(), 1, Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(SMALL_TOPIC_BYTES)));
            Topology.Deployment deployment = topology.deploy("dispatcher", "worker");
            AppProcess dispatcher = deployment.dispatcher();
            AppProcess worker = deployment.workers().getFirst();
            Watch watch = new Watch(dispatcher, worker);
            String prefix = topology.idPrefix();
            List<Case> cases = new ArrayList<>();
            List<String> normal = new ArrayList<>();
            Sender send = (name, record, status, code) -> {
                producer.send(record);
                cases.add(new Case(name, idOf(record), status, code));
                String follower = prefix + "after-" + cases.size();
                String key = record.key() != null && record.key().length() <= 200 && record.key().chars().noneMatch(Character::isISOControl)
                        ? record.key() : follower;
                producer.send(task(topology, key, "{\"id\":\"" + follower + "\",\"type\":\"io.sleep\",\"key\":\"" + key
                        + "\",\"params\":{\"millis\":1}}"));
                normal.add(follower);
            };

            String past = "\"createdAt\":\"1500-01-01T00:00:00Z\"";
            send.accept("createdAt in 1500, IO", task(topology, prefix + "past-io",
                    "{\"id\":\"" + prefix + "past-io\",\"type\":\"io.sleep\"," + past + ",\"params\":{\"millis\":1}}"), "REJECTED", "INVALID_TASK");
            send.accept("createdAt in 1500, CPU", task(topology, prefix + "past-cpu",
                    "{\"id\":\"" + prefix + "past-cpu\",\"type\":\"compute.sum\"," + past + ",\"params\":{\"n\":1}}"), "REJECTED", "INVALID_TASK");
            send.accept("thumbnail 4096 px wide of a 1 px image", task(topology, prefix + "tall",
                    "{\"id\":\"" + prefix + "tall\",\"type\":\"compute.thumbnail\",\"params\":{\"path\":\"adversarial-tall.png\",\"width\":4096}}"),
                    "FAILED", "INVALID_PARAMS");
            send.accept("truncated PNG", task(topology, prefix + "cut",
                    "{\"id\":\"" + prefix + "cut\",\"type\":\"compute.thumbnail\",\"params\":{\"path\":\"adversarial-cut.png\",\"width\":16}}"),
                    "FAILED", "INVALID_CONTENT");
            send.accept("path of 45,000 control characters", task(topology, prefix + "controls",
                    "{\"id\":\"" + prefix + "controls\",\"type\":\"file.read\",\"params\":{\"path\":\"" + "\\u0001".repeat(45_000) + "\"}}"),
                    "REJECTED", "PAYLOAD_TOO_LARGE");
            send.accept("record key of 600 KB", task(topology, "k".repeat(600_000),
                    "{\"id\":\"" + prefix + "huge-key\",\"type\":\"io.sleep\",\"params\":{\"millis\":1}}"), "REJECTED", "PAYLOAD_TOO_LARGE");
            send.accept("record key of 201 characters", task(topology, "k".repeat(201),
                    "{\"id\":\"" + prefix + "long-key\",\"type\":\"io.sleep\",\"params\":{\"millis\":1}}"), "REJECTED", "INVALID_KEY");
            send.accept("record key with an escape sequence", task(topology, "key\u001b[2J",
                    "{\"id\":\"" + prefix + "escape-key\",\"type\":\"io.sleep\",\"params\":{\"millis\":1}}"), "REJECTED", "INVALID_KEY");
            send.accept("record key unlike the task's key", task(topology, "one-key",
                    "{\"id\":\"" + prefix + "two-keys\",\"type\":\"io.sleep\",\"key\":\"another-key\",\"params\":{\"millis\":1}}"),
                    "REJECTED", "INVALID_KEY");
            String pad = "\"" + "x".repeat(60_000) + "\"";
            send.accept("invalid value just under the size limit: its dead letter is refused whole", task(topology, prefix + "just-under",
                    "{\"id\":\"" + prefix + "just-under\",\"type\":\"io.sleep\",\"pad\":[" + String.join(",", Collections.nCopies(4, pad)) + "]}"),
                    "REJECTED", "INVALID_TASK");
            send.accept("a string over the JSON limit", task(topology, prefix + "long-string",
                    "{\"id\":\"" + prefix + "long-string\",\"type\":\"io.sleep\",\"pad\":\"" + " ".repeat(100_000) + "\"}"),
                    "REJECTED", "PAYLOAD_TOO_LARGE");
            ProducerRecord<String, byte[]> headers = task(topology, prefix + "headers",
                    "{\"id\":\"" + prefix + "headers\",\"type\":\"io.sleep\",\"params\":{\"millis\":1}}");
            headers.headers().add(new RecordHeader("filler", new byte[900_000]));
            send.accept("900 KB of headers", headers, "REJECTED", "PAYLOAD_TOO_LARGE");
            ProducerRecord<String, byte[]> forward = task(topology, prefix + "forward",
                    "{\"id\":\"" + prefix + "forward\",\"type\":\"compute.sum\",\"params\":{\"n\":1}}");
            forward.headers().add(new RecordHeader("filler", new byte[150_000]));
            send.accept("CPU task whose forward the CPU topic refuses", forward, "FAILED", "REFUSED_BY_BROKER");
            send.accept("a task that throws an Error", task(topology, prefix + "error",
                    "{\"id\":\"" + prefix + "error\",\"type\":\"test.error\"}"), "FAILED", "EXECUTION_ERROR");
            ProducerRecord<String, byte[]> attempt = task(topology, prefix + "attempt", "{\"id\":\"" + prefix + "attempt\",\"type\":\"test.flaky\"}");
            attempt.headers().add(new RecordHeader(Headers.ATTEMPT, "4".getBytes(StandardCharsets.UTF_8)));
            send.accept("producer-set attempt 4 on the IO lane", attempt, "FAILED", "RETRIES_EXHAUSTED");
            producer.flush();

            // a flood of large valid tasks on one key: they queue, and the lane's byte budget must hold them
            String flood = prefix + "flood";
            List<String> flooded = new ArrayList<>();
            for (int i = 0; i < 1_500; i++) {
                String id = flood + "-" + i;
                flooded.add(id);
                producer.send(task(topology, flood, "{\"id\":\"" + id + "\",\"type\":\"url.fetch\",\"key\":\"" + flood
                        + "\",\"params\":{\"url\":\"http://127.0.0.1/?" + "q".repeat(60_000) + "\"}}"));
            }
            producer.flush();

            // through REST: a batch larger than the old emitter's buffer, a task over the size limit, a batch over the cap
            StringBuilder batch = new StringBuilder("[");
            List<String> rested = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                String id = prefix + "rest-" + i;
                rested.add(id);
                batch.append(i == 0 ? "" : ",").append("{\"id\":\"").append(id).append("\",\"type\":\"io.sleep\",\"params\":{\"millis\":1}}");
            }
            AppProcess.Answer accepted = dispatcher.post("/tasks", batch.append("]").toString());
            assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
            AppProcess.Answer tooLarge = dispatcher.post("/tasks", "{\"id\":\"" + prefix + "rest-controls\",\"type\":\"file.read\",\"params\":{\"path\":\""
                    + "\\u0001".repeat(45_000) + "\"}}");
            assertThat(tooLarge.status()).isEqualTo(400);
            assertThat(tooLarge.body()).contains("PAYLOAD_TOO_LARGE");
            AppProcess.Answer overCap = dispatcher.post("/tasks", "[" + String.join(",", Collections.nCopies(2_001,
                    "{\"type\":\"io.sleep\",\"params\":{\"millis\":1}}")) + "]");
            assertThat(overCap.status()).isEqualTo(413);

            List<String> all = new ArrayList<>(normal);
            cases.forEach(c -> all.add(c.id()));
            all.addAll(flooded);
            all.addAll(rested);
            await("every task ended").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                Set<String> have = topology.results(new HashSet<>(all)).keySet();
                List<String> missing = all.stream().filter(id -> !have.contains(id)).toList();
                assertThat(missing).as("%d without a result, e.g. %s", missing.size(), missing.stream().limit(10).toList()).isEmpty();
            });
            Map<String, JsonNode> results = topology.results(new HashSet<>(all));
            Map<String, String> ended = new LinkedHashMap<>();
            for (Case c : cases) {
                JsonNode result = results.get(c.id());
                ended.put(c.name(), result.path("status").asText() + " " + result.path("error").path("code").asText());
                System.out.printf("%-75s %-9s %s%n", c.name(), result.path("status").asText(), result.path("error").path("code").asText());
            }
            cases.forEach(c -> assertThat(ended.get(c.name())).as(c.name()).isEqualTo(c.status() + " " + c.code()));
            assertThat(results.get(prefix + "cut").path("attempt").asInt()).as("an undecodable image is not retried").isEqualTo(1);
            assertThat(results.get(prefix + "attempt").path("attempt").asInt()).as("retried from attempt 1, not the producer's 4").isEqualTo(4);
            assertThat(results.get(prefix + "attempt").at("/error/message").asText()).contains("failed transiently 4 times");
            assertThat(results.get(prefix + "controls").path("taskId").asText()).as("an oversized task still names itself").isEqualTo(prefix + "controls");
            for (String id : normal) {
                assertThat(results.get(id).path("status").asText()).as(id).isEqualTo("SUCCEEDED");
            }
            for (String id : rested) {
                assertThat(results.get(id).path("status").asText()).as(id).isEqualTo("SUCCEEDED");
            }
            for (String id : flooded) {
                assertThat(results.get(id).at("/error/code").asText()).as(id).isEqualTo("FORBIDDEN_URL");
            }
            assertThat(results.keySet()).as("nothing of a refused REST request ran").doesNotContain(prefix + "rest-controls");

            await("committed positions reach the ends of the partitions").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                for (var group : List.of(Map.entry(topology.names().dispatcherGroup(), topology.names().tasks()),
                        Map.entry(topology.names().workerGroup(), topology.names().cpuTasks()))) {
                    topology.committedAndEnd(group.getKey(), group.getValue()).forEach((partition, positions) ->
                            assertThat(positions[0]).as(partition + " committed of " + positions[1]).isEqualTo(positions[1]));
                }
            });
            watch.stop();
            System.out.printf("adversarial: live heap at most %d MiB, IO lane held at most %d MiB, %d health samples%n",
                    watch.maxLiveHeap.get() >> 20, watch.maxHeld.get() >> 20, watch.samples.get());
            assertThat(watch.notLive).as("liveness answers that were not 200").isEmpty();
            assertThat(watch.samples.get()).isPositive();
            assertThat(watch.maxLiveHeap.get()).as("the dispatcher's live heap").isLessThan((long) LIVE_HEAP_BOUND_MIB << 20);
            assertThat(watch.maxHeld.get()).as("the IO lane's held bytes, against taskpipe.lanes.io.max-held-bytes plus one record")
                    .isLessThanOrEqualTo((64L << 20) + 70_000);
            assertThat(dispatcher.isAlive() && worker.isAlive()).as("both processes lived through it").isTrue();
        }
    }

    @FunctionalInterface
    private interface Sender {
        void accept(String name, ProducerRecord<String, byte[]> record, String status, String code);
    }

    private static ProducerRecord<String, byte[]> task(Topology topology, String key, String json) {
        return new ProducerRecord<>(topology.names().tasks(), null, key, json.getBytes(StandardCharsets.UTF_8), new RecordHeaders());
    }

    private static String idOf(ProducerRecord<String, byte[]> record) {
        String json = new String(record.value(), StandardCharsets.UTF_8);
        int start = json.indexOf("\"id\":\"") + 6;
        return json.substring(start, json.indexOf('"', start));
    }

    private static void writeImages() throws Exception {
        ImageIO.write(new BufferedImage(1, 100, BufferedImage.TYPE_INT_RGB), "png", FILES.resolve("adversarial-tall.png").toFile());
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(200, 200, BufferedImage.TYPE_INT_RGB), "png", whole);
        Files.write(FILES.resolve("adversarial-cut.png"), Arrays.copyOf(whole.toByteArray(), whole.size() / 2));
    }

    /** Samples both processes' liveness, the dispatcher's live heap and its lane's held bytes, until stopped. */
    private static final class Watch {
        final List<String> notLive = new CopyOnWriteArrayList<>();
        final AtomicLong maxLiveHeap = new AtomicLong();
        final AtomicLong maxHeld = new AtomicLong();
        final AtomicLong samples = new AtomicLong();
        private final Thread thread;
        private volatile boolean running = true;

        Watch(AppProcess dispatcher, AppProcess worker) {
            thread = Thread.ofPlatform().daemon().name("adversarial-watch").start(() -> {
                while (running) {
                    for (AppProcess process : List.of(dispatcher, worker)) {
                        AppProcess.Answer live = process.liveness();
                        if (live.status() != 200) {
                            notLive.add(process.name() + ": " + live.body());
                        }
                    }
                    if (samples.get() % 10 == 0) {
                        maxLiveHeap.accumulateAndGet(dispatcher.heapAfterFullCollection(), Math::max);
                    }
                    maxHeld.accumulateAndGet((long) dispatcher.metric("taskpipe_lane_held_bytes{lane=\"IO\"}"), Math::max);
                    samples.incrementAndGet();
                    LockSupport.parkNanos(100_000_000); // a sampling pace, not a synchronisation
                }
            });
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join();
        }
    }
}
