package io.taskpipe.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskpipe.kafka.ClientSettings;
import io.taskpipe.kafka.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;

/**
 * A test's view of the pipeline through its Kafka contract only, as another system would use it:
 * publish tasks to {@code taskpipe.tasks}, read {@code taskpipe.results} and {@code taskpipe.dlq}.
 */
public final class Pipeline implements AutoCloseable {

    public static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaProducer<String, byte[]> producer;
    private final List<ConsumerRecord<String, byte[]>> results = new CopyOnWriteArrayList<>();
    private final List<ConsumerRecord<String, byte[]>> deadLetters = new CopyOnWriteArrayList<>();
    private final TopicReader resultsReader;
    private final TopicReader deadLettersReader;
    private final String runId = UUID.randomUUID().toString().substring(0, 8);

    public Pipeline() {
        String bootstrap = KafkaBroker.broker().bootstrapServers();
        producer = new KafkaProducer<>(ClientSettings.bootstrap(bootstrap).durableProducer().set(ProducerConfig.LINGER_MS_CONFIG, "5").toMap());
        // from the topics' current end: a test sees exactly the records produced after it started
        Map<String, Object> broker = ClientSettings.bootstrap(bootstrap).toMap();
        resultsReader = new TopicReader(broker, List.of("taskpipe.results"), TopicReader.From.END).follow("test-reader-results", results::add);
        deadLettersReader = new TopicReader(broker, List.of("taskpipe.dlq"), TopicReader.From.END).follow("test-reader-dlq", deadLetters::add);
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
        return results.stream().map(r -> parse(r.value())).toList();
    }

    public List<ConsumerRecord<String, byte[]>> deadLetters() {
        return List.copyOf(deadLetters);
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
        resultsReader.close();
        deadLettersReader.close();
    }
}
