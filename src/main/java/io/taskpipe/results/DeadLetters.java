package io.taskpipe.results;

import io.taskpipe.config.TaskpipeConfig;
import io.taskpipe.contract.ErrorCode;
import io.taskpipe.contract.Headers;
import io.taskpipe.contract.Rejection;
import io.taskpipe.contract.Task;
import io.taskpipe.contract.TaskResult;
import io.taskpipe.contract.TaskResult.Ordering;
import io.taskpipe.contract.TaskResult.Source;
import io.taskpipe.contract.TaskResult.Status;
import io.taskpipe.contract.TaskResult.Timing;
import io.taskpipe.contract.TaskResult.Worker;
import io.taskpipe.observe.LaneMetrics;
import io.taskpipe.contract.Lane;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Records a task that cannot run, or that was given up on: the original record (bytes and headers)
 * on the dead-letter topic, with the reason, the exception class, where it was read from and its
 * attempts in headers; plus a result when the task's id is known ({@code REJECTED} for bad input,
 * {@code FAILED} for a task given up on), so whoever waits for that id learns why.
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

    /** Bad input: the dead letter, and a {@code REJECTED} result when the id could be read; then {@code acknowledged}. */
    public void reject(ConsumerRecord<String, byte[]> record, Rejection rejection, Runnable acknowledged) {
        metrics.rejected(rejection.code());
        ProducerRecord<String, byte[]> letter = deadLetter(record, rejection.code(), rejection.reason(), null, 1);
        if (rejection.taskId() == null) {
            publisher.send(letter, acknowledged);
            return;
        }
        String key = rejection.key() != null ? rejection.key() : rejection.taskId();
        sendBoth(letter, decided(record, Status.REJECTED, rejection.taskId(), rejection.type(), key, null,
                rejection.code(), rejection.reason(), null, 1), acknowledged);
    }

    /**
     * A valid task whose every delivery so far started it and lost its process: given up on without
     * running it again, as {@code WORKER_LOST}.
     */
    public void workerLost(ConsumerRecord<String, byte[]> record, Task task, Lane lane, int deliveries, Runnable acknowledged) {
        String reason = "given up after " + deliveries + " deliveries: each started the task and lost its process"
                + " (crash, out of memory or kill)";
        giveUp(record, decided(record, Status.FAILED, task.id(), task.type(), task.key(), task.seq(),
                ErrorCode.WORKER_LOST, reason, lane, deliveries), null, acknowledged);
    }

    /** A task given up on, with its final result: the dead letter and the result; then {@code acknowledged}. */
    public void giveUp(ConsumerRecord<String, byte[]> record, TaskResult result, String exceptionClass, Runnable acknowledged) {
        metrics.rejected(result.error().code());
        sendBoth(deadLetter(record, result.error().code(), result.error().message(), exceptionClass, result.attempt()),
                result, acknowledged);
    }

    private void sendBoth(ProducerRecord<String, byte[]> letter, TaskResult result, Runnable acknowledged) {
        AtomicInteger pending = new AtomicInteger(2);
        Runnable oneDone = () -> {
            if (pending.decrementAndGet() == 0) {
                acknowledged.run();
            }
        };
        publisher.send(letter, oneDone);
        publisher.publish(result, oneDone);
    }

    private ProducerRecord<String, byte[]> deadLetter(ConsumerRecord<String, byte[]> record, ErrorCode code, String reason,
                                                      String exceptionClass, int attempts) {
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        header(headers, Headers.DLQ_CODE, code.name());
        header(headers, Headers.DLQ_REASON, reason);
        if (exceptionClass != null) {
            header(headers, Headers.DLQ_EXCEPTION, exceptionClass);
        }
        header(headers, Headers.DLQ_TOPIC, record.topic());
        header(headers, Headers.DLQ_PARTITION, Integer.toString(record.partition()));
        header(headers, Headers.DLQ_OFFSET, Long.toString(record.offset()));
        header(headers, Headers.DLQ_TIMESTAMP, Long.toString(record.timestamp()));
        header(headers, Headers.DLQ_ATTEMPTS, Integer.toString(attempts));
        return new ProducerRecord<>(dlqTopic, null, record.key(), record.value(), headers);
    }

    /** The result of a task decided on without running it here: its timing ends now, at the decision. */
    private static TaskResult decided(ConsumerRecord<String, byte[]> record, Status status, String taskId, String type, String key,
                                      Long seq, ErrorCode code, String reason, Lane lane, int attempts) {
        Instant enqueued = Instant.ofEpochMilli(record.timestamp());
        Instant now = Instant.now();
        return new TaskResult(Task.VERSION, taskId, type, key, seq, status, null, new TaskResult.Error(code, reason), lane,
                Math.max(1, attempts), Worker.current(), new Source(record.topic(), record.partition(), record.offset()),
                Timing.of(enqueued, enqueued, now, now, -1), new Ordering("NONE", null, true));
    }

    private static void header(RecordHeaders headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
