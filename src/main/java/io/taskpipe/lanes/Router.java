package io.taskpipe.lanes;

import io.taskpipe.consumer.Delivery;
import io.taskpipe.consumer.RecordHandler;
import io.taskpipe.contract.ErrorCode;
import io.taskpipe.contract.Headers;
import io.taskpipe.contract.Lane;
import io.taskpipe.contract.Rejection;
import io.taskpipe.contract.Task;
import io.taskpipe.contract.Timestamps;
import io.taskpipe.execution.TaskRunner;
import io.taskpipe.intake.Decoded;
import io.taskpipe.intake.Decoded.Accepted;
import io.taskpipe.intake.Decoded.Rejected;
import io.taskpipe.intake.TaskDecoder;
import io.taskpipe.results.OutcomeWriter;
import io.taskpipe.tasks.TaskTypes;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * What a lane does with each record it reads: decode it; dead-letter it when invalid or given up on;
 * forward it to the CPU topic when it is computing work and this process is a dispatcher; otherwise
 * run it here. Whatever is thrown on the way, the record still ends in an outcome.
 *
 * @param outcomeGrace how long an outcome that needs no run may take to be published
 * @param forwardTopic where CPU-lane tasks go, or null to run every task here (the cpu-worker, which
 *                     alone reads the attempt and creation time that dispatchers put in headers)
 */
record Router(TaskDecoder decoder, TaskTypes types, TaskRunner runner, OutcomeWriter outcomes, Duration outcomeGrace,
              String forwardTopic) implements RecordHandler {

    private static final Logger LOG = Logger.getLogger(Router.class);

    @Override
    public void handle(ConsumerRecord<String, byte[]> record, Delivery delivery) {
        try {
            route(record, delivery);
        } catch (RuntimeException | Error e) {
            LOG.errorf(e, "handling %s-%d@%d failed; dead-lettering it", record.topic(), record.partition(), record.offset());
            settle(delivery, done -> outcomes.reject(record, new Rejection(ErrorCode.EXECUTION_ERROR,
                    "taskpipe failed while handling the record: " + e, null, null, record.key()), done));
        }
    }

    private void route(ConsumerRecord<String, byte[]> record, Delivery delivery) {
        Decoded decoded = decoder.decode(record);
        delivery.label(decoded instanceof Accepted accepted ? accepted.task().id() : ((Rejected) decoded).rejection().taskId());
        switch (decoded) {
            case Rejected(Rejection why) -> settle(delivery, done -> outcomes.reject(record, why, done));
            case Accepted accepted when delivery.exhausted() -> settle(delivery, done ->
                    outcomes.workerLost(record, accepted.task(), types.laneOf(accepted.handler()), delivery.priorStarts(), done));
            case Accepted accepted when forwardTopic != null && types.laneOf(accepted.handler()) == Lane.CPU ->
                    forward(record, accepted.task(), delivery);
            case Accepted accepted -> runner.submit(accepted, record, createdAt(accepted.task(), record), delivery, firstAttempt(record, delivery));
        }
    }

    /** An outcome that needs no run: claimed, then written; a fenced delivery writes nothing. */
    private void settle(Delivery delivery, Consumer<Runnable> write) {
        if (delivery.finish()) {
            delivery.expectOutcomeWithin(outcomeGrace);
            write.accept(delivery::done);
        }
    }

    /**
     * Hands a CPU task to the workers: same bytes and headers, keyed by its ordering key so a key stays
     * on one partition, with this dispatcher's attempt and (when the task has none) creation time in
     * headers, replacing whatever a producer put there.
     */
    private void forward(ConsumerRecord<String, byte[]> record, Task task, Delivery delivery) {
        if (!delivery.forwarding()) {
            return;
        }
        delivery.expectOutcomeWithin(outcomeGrace);
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        headers.remove(Headers.CREATED_AT);
        headers.remove(Headers.ATTEMPT);
        if (task.createdAt() == null) {
            headers.add(Headers.CREATED_AT, Timestamps.enqueuedAt(record).toString().getBytes(StandardCharsets.UTF_8));
        }
        headers.add(Headers.ATTEMPT, Integer.toString(delivery.attempt()).getBytes(StandardCharsets.UTF_8));
        outcomes.forward(record, new ProducerRecord<>(forwardTopic, null, task.key(), record.value(), headers), task, Lane.CPU, delivery::done);
    }

    /** The attempt of a task's first run here: its deliveries' starts, and on the CPU lane the forwarding dispatcher's. */
    private int firstAttempt(ConsumerRecord<String, byte[]> record, Delivery delivery) {
        return forwardTopic == null ? Math.max(delivery.attempt(), forwardedAttempt(record)) : delivery.attempt();
    }

    private static int forwardedAttempt(ConsumerRecord<String, byte[]> record) {
        Header header = record.headers().lastHeader(Headers.ATTEMPT);
        try {
            return header == null ? 1 : Math.max(1, Integer.parseInt(new String(header.value(), StandardCharsets.UTF_8)));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /** When the task was made: its own {@code createdAt}, else (CPU lane) the time its dispatcher recorded, else the record's. */
    private Instant createdAt(Task task, ConsumerRecord<String, byte[]> record) {
        if (task.createdAt() != null) {
            return task.createdAt();
        }
        Header header = forwardTopic == null ? record.headers().lastHeader(Headers.CREATED_AT) : null;
        if (header != null) {
            try {
                Instant recorded = Instant.parse(new String(header.value(), StandardCharsets.UTF_8));
                if (Timestamps.believable(recorded, Instant.now())) {
                    return recorded;
                }
            } catch (RuntimeException ignored) {
                // unreadable: fall back to the record time
            }
        }
        return Timestamps.enqueuedAt(record);
    }
}
