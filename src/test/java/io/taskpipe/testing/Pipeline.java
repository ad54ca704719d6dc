package io.taskpipe.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;

/**
 * A test's view of the pipeline through its Kafka contract only, as another system would use it:
 * publish tasks to {@code taskpipe.tasks}, read {@code taskpipe.results} and {@code taskpipe.dlq}.
 */
public final class Pipeline implements AutoCloseable {

    public static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaProducer<String, byte[]> producer;
    private final TopicReader results;
    private final TopicReader deadLetters;
    private final String runId = UUID.randomUUID().toString().substring(0, 8);

    public Pipeline() {
        String bootstrap = KafkaBroker.broker().bootstrapServers();
        producer = new KafkaProducer<>(Map.of(
                "bootstrap.servers", bootstrap,
                "acks", "all",
                "linger.ms", "5",
                "key.serializer", StringSerializer.class.getName(),
                "value.serializer", ByteArraySerializer.class.getName()));
        results = new TopicReader(bootstrap, "taskpipe.results");
        deadLetters = new TopicReader(bootstrap, "taskpipe.dlq");
    }

    /** A task id unique to this test run. */
    public String id(String name) {
        return runId + "-" + name;
    }

    /** A task as JSON; {@code params} alternate names and values. */
    public ObjectNode task(String id, String type, Object... params) {
        ObjectNode task = JSON.createObjectNode().put("id", id).put("type", type);
        ObjectNode p = task.putObject("params");
        for (int i = 0; i < params.length; i += 2) {
            p.set((String) params[i], JSON.valueToTree(params[i + 1]));
        }
        return task;
    }

    /** Publishes a task keyed by its {@code key} (or id), as the contract asks of producers. */
    public void send(ObjectNode task) {
        String key = task.has("key") ? task.get("key").asText() : task.get("id").asText();
        send(key, task.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public void send(String key, byte[] value) {
        producer.send(new ProducerRecord<>("taskpipe.tasks", key, value));
    }

    public void flush() {
        producer.flush();
    }

    /** Waits until every id has a result and returns the first result of each, each checked against the result schema. */
    public Map<String, JsonNode> awaitResults(Collection<String> ids, Duration timeout) {
        producer.flush();
        Map<String, JsonNode> byId = new HashMap<>();
        await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> {
            for (JsonNode result : results()) {
                byId.putIfAbsent(result.get("taskId").asText(), result);
            }
            return byId.keySet().containsAll(ids);
        });
        byId.keySet().retainAll(ids);
        byId.values().forEach(result -> Schemas.assertValid(Schemas.RESULT, result));
        return byId;
    }

    /** Every result read so far, in arrival order. */
    public List<JsonNode> results() {
        return results.records().stream().map(r -> parse(r.value())).toList();
    }

    public List<ConsumerRecord<String, byte[]>> deadLetters() {
        return deadLetters.records();
    }

    public static JsonNode parse(byte[] json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws Exception {
        producer.close(Duration.ofSeconds(5));
        results.close();
        deadLetters.close();
    }
}
