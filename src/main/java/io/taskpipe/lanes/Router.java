package io.taskpipe.lanes;

import io.taskpipe.consumer.Delivery;
import io.taskpipe.consumer.RecordHandler;
import io.taskpipe.contract.ErrorCode;
import io.taskpipe.contract.Headers;
import io.taskpipe.contract.Lane;
import io.taskpipe.contract.Rejection;
import io.taskpipe.contract.Task;
import io.taskpipe.contract.TaskJson;
import io.taskpipe.contract.TaskResult;
import io.taskpipe.contract.TaskResult.Routing.Reason;
import io.taskpipe.contract.Timestamps;
import io.taskpipe.execution.CpuTime;
import io.taskpipe.execution.Placement;
import io.taskpipe.execution.TaskRunner;
import io.taskpipe.intake.Decoded;
import io.taskpipe.intake.Decoded.Accepted;
import io.taskpipe.intake.Decoded.Rejected;
import io.taskpipe.intake.TaskDecoder;
import io.taskpipe.results.OutcomeWriter;
import io.taskpipe.routing.Routing;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * What a lane does with each record it reads: decode it; dead-letter it when invalid or given up on;
 * otherwise queue it in the lane, where, when its turn comes, it runs here or (routed to the CPU lane,
 * and this process a dispatcher) is forwarded to the CPU topic. Whatever is thrown on the way, the
 * record still ends in an outcome.
 *
 * @param lane         the lane this router feeds
 * @param outcomeGrace how long an outcome that needs no run may take to be published
 * @param forwardTopic where CPU-lane tasks go, or null to run every task here (the cpu-worker, which
 *                     alone reads the attempt, creation time and routing that dispatchers put in headers)
 */
record Router(TaskDecoder decoder, Routing routing, TaskRunner runner, OutcomeWriter outcomes, Lane lane, Duration outcomeGrace,
              String forwardTopic) implements RecordHandler, Placement {

    private static final Logger LOG = Logger.getLogger(Router.class);
    private static final Runnable UNWATCHED = () -> {
    };

    @Override
    public void handle(ConsumerRecord<String, byte[]> record, Delivery delivery) {
        try {
            dispatch(record, delivery);
        } catch (RuntimeException | Error e) {
            LOG.errorf(e, "handling %s-%d@%d failed; dead-lettering it", record.topic(), record.partition(), record.offset());
            settle(delivery, done -> outcomes.reject(record, new Rejection(ErrorCode.EXECUTION_ERROR,
                    "taskpipe failed while handling the record: " + e, null, null, record.key()), done));
        }
    }

    private void dispatch(ConsumerRecord<String, byte[]> record, Delivery delivery) {
        Decoded decoded = decoder.decode(record);
        delivery.label(decoded instanceof Accepted accepted ? accepted.task().id() : ((Rejected) decoded).rejection().taskId());
        switch (decoded) {
            case Rejected(Rejection why) -> settle(delivery, done -> outcomes.reject(record, why, done));
            case Accepted accepted when delivery.exhausted() -> settle(delivery, done ->
                    outcomes.workerLost(record, accepted.task(), lane, delivery.priorStarts(), done));
            case Accepted accepted -> runner.submit(accepted, record, createdAt(accepted.task(), record), delivery,
                    firstAttempt(record, delivery), this);
        }
    }

    /** A dispatcher asks the routing; a cpu-worker runs what it reads, under the routing its dispatcher forwarded. */
    @Override
    public TaskResult.Routing route(Accepted accepted, ConsumerRecord<String, byte[]> record) {
        if (forwardTopic != null) {
            return routing.decide(accepted.handler());
        }
        Header header = record.headers().lastHeader(Headers.ROUTING);
        try {
            TaskResult.Routing forwarded = header == null ? null : TaskJson.MAPPER.readValue(header.value(), TaskResult.Routing.class);
            if (forwarded != null && forwarded.chosen() == lane) {
                return forwarded;
            }
        } catch (IOException | RuntimeException e) {
            // unreadable: the task is here, so it runs here
        }
        return new TaskResult.Routing(accepted.handler().lane(), lane, Reason.DECLARED, null);
    }

    @Override
    public boolean mustWait(Accepted accepted) {
        return forwardTopic != null && routing.awaitsForwarded(accepted.task().type(), accepted.task().key());
    }

    /** A dispatcher's IO-lane run is watched; should watching fail, the task runs unwatched. */
    @Override
    public Runnable watch(Accepted accepted) {
        CpuTime.Clock clock = forwardTopic != null && lane == Lane.IO ? CpuTime.clock() : null;
        try {
            return clock == null ? UNWATCHED : routing.watch(accepted.handler(), clock::nanos, clock::carrierWaitNanos);
        } catch (RuntimeException e) {
            LOG.errorf(e, "watching task %s's run failed; it runs unwatched", accepted.task().id());
            return UNWATCHED;
        }
    }

    @Override
    public void handOver(Accepted accepted, ConsumerRecord<String, byte[]> record, Delivery delivery, TaskResult.Routing routed) {
        if (forwardTopic == null) {
            throw new IllegalStateException("a cpu-worker hands no task over: " + accepted.task().id() + " is routed to " + routed.chosen());
        }
        forward(record, accepted.task(), delivery, routed);
    }

    /** An outcome that needs no run: claimed, then written; a fenced delivery writes nothing. */
    private void settle(Delivery delivery, Consumer<OutcomeWriter.Durable> write) {
        if (delivery.finish()) {
            delivery.expectOutcomeWithin(outcomeGrace);
            write.accept(delivery::done);
        }
    }

    /**
     * Hands a CPU task to the workers: same bytes and headers, keyed by its ordering key so a key stays
     * on one partition, with this dispatcher's attempt, routing and (when the task has none) creation
     * time in headers, replacing whatever a producer put there.
     */
    private void forward(ConsumerRecord<String, byte[]> record, Task task, Delivery delivery, TaskResult.Routing routed) {
        if (!delivery.forwarding()) {
            return;
        }
        delivery.expectOutcomeWithin(outcomeGrace);
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        headers.remove(Headers.CREATED_AT);
        headers.remove(Headers.ATTEMPT);
        headers.remove(Headers.ROUTING);
        if (task.createdAt() == null) {
            headers.add(Headers.CREATED_AT, Timestamps.enqueuedAt(record).toString().getBytes(StandardCharsets.UTF_8));
        }
        headers.add(Headers.ATTEMPT, Integer.toString(delivery.attempt()).getBytes(StandardCharsets.UTF_8));
        headers.add(Headers.ROUTING, TaskJson.write(routed));
        routing.forwarded(task.type(), task.key(), task.id());
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
