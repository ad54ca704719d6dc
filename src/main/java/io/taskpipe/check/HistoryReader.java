package io.taskpipe.check;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskpipe.contract.Headers;
import io.taskpipe.contract.TaskJson;
import io.taskpipe.kafka.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Drains the results and dead-letter topics from their beginning: everything up to their current end,
 * then on until nothing new arrived for {@code settle} (late duplicates count too). No consumer group,
 * nothing committed: the checker observes, it never disturbs.
 */
public final class HistoryReader {

    private HistoryReader() {
    }

    /** Reads the outcomes of the tasks whose id {@code belongs}. */
    public static History read(Map<String, Object> kafka, String resultsTopic, String dlqTopic,
                               Predicate<String> belongs, Duration settle) {
        List<Observed> results = new ArrayList<>();
        List<DeadLetter> deadLetters = new ArrayList<>();
        try (TopicReader reader = new TopicReader(kafka, List.of(resultsTopic, dlqTopic), TopicReader.From.BEGINNING)) {
            reader.readToEnd(settle, record -> {
                if (record.topic().equals(resultsTopic)) {
                    JsonNode result = json(record.value());
                    if (result != null && result.hasNonNull("taskId") && belongs.test(result.get("taskId").asText())) {
                        results.add(Observed.of(result));
                    }
                } else {
                    DeadLetter letter = deadLetter(record);
                    if (letter.taskId() == null || belongs.test(letter.taskId())) {
                        deadLetters.add(letter);
                    }
                }
            });
        }
        return new History(results, deadLetters);
    }

    private static DeadLetter deadLetter(ConsumerRecord<String, byte[]> record) {
        JsonNode task = json(record.value());
        String taskId = task != null && task.path("id").isTextual() ? task.get("id").asText() : null;
        String attempts = Headers.text(record.headers(), Headers.DLQ_ATTEMPTS);
        return new DeadLetter(taskId, record.key(), Headers.text(record.headers(), Headers.DLQ_CODE), attempts == null ? 0 : Integer.parseInt(attempts));
    }

    private static JsonNode json(byte[] bytes) {
        try {
            return bytes == null ? null : TaskJson.MAPPER.readTree(bytes);
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
