package io.taskpipe.results;

import io.taskpipe.config.TaskpipeConfig;
import io.taskpipe.contract.Headers;
import io.taskpipe.contract.TaskResult;
import io.taskpipe.contract.TaskResult.Ordering;
import io.taskpipe.contract.TaskResult.Source;
import io.taskpipe.contract.TaskResult.Status;
import io.taskpipe.contract.TaskResult.Timing;
import io.taskpipe.contract.TaskResult.Worker;
import io.taskpipe.contract.Task;
import io.taskpipe.intake.Decoded.Rejected;
import io.taskpipe.observe.LaneMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Records a task that cannot run: the original record (bytes and headers) on the dead-letter topic
 * with the reason in headers, plus a {@code REJECTED} result when the task's id could be read, so
 * whoever waits for that id learns why.
 */
@ApplicationScoped
public class DeadLetters {

    private final ResultPublisher publisher;
    private final LaneMetrics metrics;
    private final String dlqTopic;

    public DeadLetters(ResultPublisher publisher, LaneMetrics metrics, TaskpipeConfig config) {
        this.publisher = publisher;
        this.metrics = metrics;
        this.dlqTopic = config.topics().dlq();
    }

    /** Sends the dead letter (and the result) and runs {@code acknowledged} once both are durable. */
    public void reject(ConsumerRecord<String, byte[]> record, Rejected rejection, int attempts, Runnable acknowledged) {
        metrics.rejected(rejection.code());
        AtomicInteger pending = new AtomicInteger(rejection.taskId() != null ? 2 : 1);
        Runnable oneDone = () -> {
            if (pending.decrementAndGet() == 0) {
                acknowledged.run();
            }
        };
        publisher.send(deadLetter(record, rejection, attempts), oneDone);
        if (rejection.taskId() != null) {
            publisher.publish(rejectedResult(record, rejection, attempts), oneDone);
        }
    }

    private ProducerRecord<String, byte[]> deadLetter(ConsumerRecord<String, byte[]> record, Rejected rejection, int attempts) {
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        header(headers, Headers.DLQ_CODE, rejection.code().name());
        header(headers, Headers.DLQ_REASON, rejection.reason());
        header(headers, Headers.DLQ_TOPIC, record.topic());
        header(headers, Headers.DLQ_PARTITION, Integer.toString(record.partition()));
        header(headers, Headers.DLQ_OFFSET, Long.toString(record.offset()));
        header(headers, Headers.DLQ_ATTEMPTS, Integer.toString(attempts));
        return new ProducerRecord<>(dlqTopic, null, record.key(), record.value(), headers);
    }

    private static TaskResult rejectedResult(ConsumerRecord<String, byte[]> record, Rejected rejection, int attempts) {
        Instant enqueued = Instant.ofEpochMilli(record.timestamp());
        Instant now = Instant.now();
        String key = rejection.key() != null ? rejection.key() : rejection.taskId();
        return new TaskResult(Task.VERSION, rejection.taskId(), rejection.type(), key, null, Status.REJECTED, null,
                new TaskResult.Error(rejection.code(), rejection.reason()), null, attempts, Worker.current(),
                new Source(record.topic(), record.partition(), record.offset()),
                Timing.of(enqueued, enqueued, now, now, -1), new Ordering("NONE", null, true));
    }

    private static void header(RecordHeaders headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
