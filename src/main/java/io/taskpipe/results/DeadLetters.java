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
import io.taskpipe.contract.ErrorCode;
import io.taskpipe.intake.Decoded.Rejected;
import io.taskpipe.tasks.Lane;
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
 * with the reason in headers, plus a result when the task's id could be read ({@code REJECTED} for
 * bad input, {@code FAILED} for a task given up on), so whoever waits for that id learns why.
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
        if (rejection.taskId() == null) {
            publisher.send(deadLetter(record, rejection.code(), rejection.reason(), attempts), acknowledged);
            return;
        }
        Runnable bothDone = afterBoth(acknowledged);
        publisher.send(deadLetter(record, rejection.code(), rejection.reason(), attempts), bothDone);
        publisher.publish(outcome(record, Status.REJECTED, rejection.taskId(), rejection.type(),
                rejection.key() != null ? rejection.key() : rejection.taskId(), null, rejection.code(), rejection.reason(), null, attempts), bothDone);
    }

    /**
     * Gives up on a valid task whose every delivery so far started it and lost its process: a dead
     * letter and a {@code FAILED} result, both with {@code WORKER_LOST}.
     */
    public void workerLost(ConsumerRecord<String, byte[]> record, Task task, Lane lane, int deliveries, Runnable acknowledged) {
        metrics.rejected(ErrorCode.WORKER_LOST);
        String reason = "given up after " + deliveries + " deliveries: each started the task and lost its process"
                + " (crash, out of memory or kill)";
        Runnable bothDone = afterBoth(acknowledged);
        publisher.send(deadLetter(record, ErrorCode.WORKER_LOST, reason, deliveries), bothDone);
        publisher.publish(outcome(record, Status.FAILED, task.id(), task.type(), task.key(), task.seq(),
                ErrorCode.WORKER_LOST, reason, lane, deliveries), bothDone);
    }

    private static Runnable afterBoth(Runnable acknowledged) {
        AtomicInteger pending = new AtomicInteger(2);
        return () -> {
            if (pending.decrementAndGet() == 0) {
                acknowledged.run();
            }
        };
    }

    private ProducerRecord<String, byte[]> deadLetter(ConsumerRecord<String, byte[]> record, ErrorCode code, String reason, int attempts) {
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        header(headers, Headers.DLQ_CODE, code.name());
        header(headers, Headers.DLQ_REASON, reason);
        header(headers, Headers.DLQ_TOPIC, record.topic());
        header(headers, Headers.DLQ_PARTITION, Integer.toString(record.partition()));
        header(headers, Headers.DLQ_OFFSET, Long.toString(record.offset()));
        header(headers, Headers.DLQ_ATTEMPTS, Integer.toString(attempts));
        return new ProducerRecord<>(dlqTopic, null, record.key(), record.value(), headers);
    }

    /** The result of a task that never ran here: its timing ends now, at the decision. */
    private static TaskResult outcome(ConsumerRecord<String, byte[]> record, Status status, String taskId, String type, String key,
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
