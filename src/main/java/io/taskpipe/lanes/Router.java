package io.taskpipe.lanes;

import io.taskpipe.contract.Headers;
import io.taskpipe.contract.Task;
import io.taskpipe.intake.Decoded.Accepted;
import io.taskpipe.intake.Decoded.Rejected;
import io.taskpipe.intake.TaskDecoder;
import io.taskpipe.observe.LaneMetrics;
import io.taskpipe.results.DeadLetters;
import io.taskpipe.results.ResultPublisher;
import io.taskpipe.contract.Lane;
import io.taskpipe.tasks.TaskTypes;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * What a lane does with each record it reads: decode it; dead-letter it when invalid; forward it to
 * the CPU topic when it is computing work and this process is a dispatcher; otherwise run it here.
 */
final class Router implements LaneConsumer.RecordProcessor {

    private final TaskDecoder decoder;
    private final TaskTypes types;
    private final TaskRunner runner;
    private final DeadLetters deadLetters;
    private final ResultPublisher publisher;
    private final LaneMetrics metrics;
    private final String forwardTopic;

    /**
     * @param forwardTopic where CPU-lane tasks go, or null to run every task here (the cpu-worker)
     */
    Router(TaskDecoder decoder, TaskTypes types, TaskRunner runner, DeadLetters deadLetters,
                  ResultPublisher publisher, LaneMetrics metrics, String forwardTopic) {
        this.decoder = decoder;
        this.types = types;
        this.runner = runner;
        this.deadLetters = deadLetters;
        this.publisher = publisher;
        this.metrics = metrics;
        this.forwardTopic = forwardTopic;
    }

    @Override
    public void process(ConsumerRecord<String, byte[]> record, LaneConsumer.Completion completion) {
        switch (decoder.decode(record.value(), record.key())) {
            case Rejected rejected -> deadLetters.reject(record, rejected.rejection(), completion::done);
            case Accepted accepted when completion.exhausted() ->
                    deadLetters.workerLost(record, accepted.task(), types.laneOf(accepted.handler()), completion.priorStarts(), completion::done);
            case Accepted accepted when forwardTopic != null && types.laneOf(accepted.handler()) == Lane.CPU ->
                    forward(record, accepted.task(), completion);
            case Accepted accepted -> runner.submit(accepted, record, createdAt(accepted.task(), record), completion);
        }
    }

    /**
     * Hands a CPU task to the workers: same bytes and headers, keyed by its ordering key so a key stays
     * on one partition, plus the creation time when the task itself does not carry one.
     */
    private void forward(ConsumerRecord<String, byte[]> record, Task task, LaneConsumer.Completion completion) {
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        if (task.createdAt() == null && headers.lastHeader(Headers.CREATED_AT) == null) {
            headers.add(Headers.CREATED_AT, Instant.ofEpochMilli(record.timestamp()).toString().getBytes(StandardCharsets.UTF_8));
        }
        completion.markStarted();
        headers.remove(Headers.ATTEMPT);
        headers.add(Headers.ATTEMPT, Integer.toString(completion.attempt()).getBytes(StandardCharsets.UTF_8));
        publisher.send(new ProducerRecord<>(forwardTopic, null, task.key(), record.value(), headers), () -> {
            metrics.forwarded();
            completion.done();
        });
    }

    /** The attempt a dispatcher recorded when it forwarded the record, or 1. */
    public static int forwardedAttempt(ConsumerRecord<String, byte[]> record) {
        Header header = record.headers().lastHeader(Headers.ATTEMPT);
        try {
            return header == null ? 1 : Math.max(1, Integer.parseInt(new String(header.value(), StandardCharsets.UTF_8)));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /** When the task was made: its own {@code createdAt}, else the time a dispatcher recorded, else the record's. */
    static Instant createdAt(Task task, ConsumerRecord<String, byte[]> record) {
        if (task.createdAt() != null) {
            return task.createdAt();
        }
        Header header = record.headers().lastHeader(Headers.CREATED_AT);
        if (header != null) {
            try {
                return Instant.parse(new String(header.value(), StandardCharsets.UTF_8));
            } catch (RuntimeException ignored) {
                // a malformed header from an outside producer: fall back to the record time
            }
        }
        return Instant.ofEpochMilli(record.timestamp());
    }
}
