package io.taskpipe.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskpipe.contract.TaskJson;
import io.taskpipe.contract.TaskResult;
import io.taskpipe.contract.Lane;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.io.IOException;
import java.time.Instant;

/**
 * The result-record work of the baselines, the same as taskpipe's: read the task's JSON, and write a
 * full version-1 result record for it. So a baseline is cheaper only where it really does less.
 */
final class EchoResults {

    private EchoResults() {
    }

    static JsonNode task(byte[] value) {
        try {
            return TaskJson.MAPPER.readTree(value);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a task: " + e.getMessage(), e);
        }
    }

    static byte[] result(JsonNode task, ConsumerRecord<String, byte[]> record, Instant startedAt, Object output) {
        Instant createdAt = task.hasNonNull("createdAt") ? Instant.parse(task.get("createdAt").asText()) : Instant.ofEpochMilli(record.timestamp());
        TaskResult result = TaskResult.about(task.path("id").asText(), task.path("type").asText(), record.key(),
                        task.path("seq").isIntegralNumber() ? task.get("seq").asLong() : null)
                .succeeded(TaskJson.MAPPER.valueToTree(output))
                .lane(Lane.IO, 1)
                .readFrom(record)
                .timing(TaskResult.Timing.of(createdAt, Instant.ofEpochMilli(record.timestamp()), startedAt, Instant.now(), -1, -1))
                .ordering(new TaskResult.Ordering("KEY", null, true))
                .build();
        return TaskJson.write(result);
    }
}
