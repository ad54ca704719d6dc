package io.taskpipe.results;

import io.taskpipe.config.TaskpipeConfig;
import io.taskpipe.contract.CloudEvents;
import io.taskpipe.contract.ErrorCode;
import io.taskpipe.contract.Headers;
import io.taskpipe.contract.Lane;
import io.taskpipe.contract.Rejection;
import io.taskpipe.contract.Task;
import io.taskpipe.contract.TaskJson;
import io.taskpipe.contract.TaskResult;
import io.taskpipe.contract.TaskResult.Status;
import io.taskpipe.contract.TaskResult.Timing;
import io.taskpipe.contract.Timestamps;
import io.taskpipe.observe.LaneMetrics;
import io.taskpipe.results.Letters.Why;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes what settles a record, each call ending in {@link Durable} once the broker has all of it:
 * <ul>
 *   <li>a task's <b>result</b>;</li>
 *   <li>bad input: its <b>dead letter</b>, and a {@code REJECTED} result when its id could be read;</li>
 *   <li>a task <b>given up on</b> (retries exhausted, lost workers): dead letter and result;</li>
 *   <li>a CPU task <b>forwarded</b> to the workers' topic.</li>
 * </ul>
 * When the broker refuses one of these as too large or invalid, the task still ends: a cut-down dead
 * letter and a {@code REFUSED_BY_BROKER} result take its place, and a refused dead letter is sent again
 * cut, then bare ({@link Letters}).
 */
@ApplicationScoped
public class OutcomeWriter {

    private static final byte[] JSON = "application/json".getBytes(StandardCharsets.UTF_8);

    /** The longest principal name a result carries on. */
    static final int MAX_PRINCIPAL_BYTES = 200;

    private static final Logger LOG = Logger.getLogger(OutcomeWriter.class);

    /** Told once what settles a record is durable, and whether a dead letter is part of it. */
    @FunctionalInterface
    public interface Durable {
        void written(boolean deadLettered);
    }

    private final ResultPublisher publisher;
    private final LaneMetrics metrics;
    private final String resultsTopic;
    private final Letters letters;

    public OutcomeWriter(ResultPublisher publisher, LaneMetrics metrics, TaskpipeConfig config,
                         @ConfigProperty(name = "kafka.max.request.size", defaultValue = "1048576") int maxRequestBytes) {
        this.publisher = publisher;
        this.metrics = metrics;
        this.resultsTopic = config.topics().results();
        this.letters = new Letters(config.topics().dlq(), maxRequestBytes);
    }

    /** A task's result, read from {@code record}. */
    public void result(ConsumerRecord<String, byte[]> record, TaskResult result, Durable durable) {
        metrics.finished(result);
        send(record, result, new Sent(() -> durable.written(false)) {
            @Override
            public void refused(Exception cause) {
                refusedByBroker(record, result, "result", cause, durable);
            }
        });
    }

    /** Bad input: the dead letter, and a {@code REJECTED} result when the task's id could be read. */
    public void reject(ConsumerRecord<String, byte[]> record, Rejection rejection, Durable durable) {
        metrics.rejected(rejection.code());
        Why why = new Why(rejection.code(), rejection.reason(), null, 1);
        if (rejection.taskId() == null) {
            letter(record, why, 0, () -> durable.written(true));
            return;
        }
        String key = rejection.key() != null ? rejection.key() : rejection.taskId();
        both(record, why, decided(record, TaskResult.about(rejection.taskId(), rejection.type(), key, null), null, 1)
                .failed(Status.REJECTED, rejection.code(), rejection.reason()).build(), durable);
    }

    /** A task given up on with its final result: the dead letter and the result. */
    public void giveUp(ConsumerRecord<String, byte[]> record, TaskResult result, String exceptionClass, Durable durable) {
        metrics.finished(result);
        metrics.rejected(result.error().code());
        both(record, new Why(result.error().code(), result.error().message(), exceptionClass, result.attempt()), result, durable);
    }

    /** A task whose every delivery so far started it and lost its process: given up without running it again. */
    public void workerLost(ConsumerRecord<String, byte[]> record, Task task, Lane lane, int deliveries, Durable durable) {
        String reason = "given up after " + deliveries + " deliveries: each started the task and lost its process"
                + " (crash, out of memory or kill)";
        giveUp(record, decided(record, TaskResult.about(task), lane, deliveries)
                .failed(Status.FAILED, ErrorCode.WORKER_LOST, reason).build(), null, durable);
    }

    /** Hands a task read from {@code record} to another lane's topic. */
    public void forward(ConsumerRecord<String, byte[]> record, ProducerRecord<String, byte[]> forward, Task task, Lane lane,
                        Durable durable) {
        publisher.send(forward, new Sent(() -> {
            metrics.forwarded();
            durable.written(false);
        }) {
            @Override
            public void refused(Exception cause) {
                refusedByBroker(record, decided(record, TaskResult.about(task), lane, 1).build(), "forward to " + forward.topic(), cause, durable);
            }
        });
    }

    /** The broker refused {@code what} settled the task: a dead letter and a small result say so instead. */
    private void refusedByBroker(ConsumerRecord<String, byte[]> record, TaskResult refused, String what, Exception cause, Durable durable) {
        metrics.rejected(ErrorCode.REFUSED_BY_BROKER);
        String reason = "the broker refused the task's " + what + " (" + cause + ")"
                + (refused.status() == Status.SUCCEEDED ? "; the task itself succeeded" : "");
        TaskResult instead = TaskResult.about(refused.taskId(), refused.type(), refused.key(), refused.seq())
                .failed(Status.FAILED, ErrorCode.REFUSED_BY_BROKER, reason).lane(refused.lane(), refused.attempt())
                .readFrom(record).timing(refused.timing() != null ? refused.timing() : decidedNow(record)).ordering(refused.ordering()).build();
        both(record, new Why(ErrorCode.REFUSED_BY_BROKER, reason, cause.getClass().getName(), refused.attempt()), instead, durable);
    }

    private void both(ConsumerRecord<String, byte[]> record, Why why, TaskResult result, Durable durable) {
        AtomicInteger pending = new AtomicInteger(2);
        Runnable oneDone = () -> {
            if (pending.decrementAndGet() == 0) {
                durable.written(true);
            }
        };
        letter(record, why, 0, oneDone);
        send(record, result, new Sent(oneDone) {
            @Override
            public void refused(Exception cause) {
                LOG.errorf("the broker refused even the small result of task %s (%s): it stays unfinished", result.taskId(), cause.toString());
            }
        });
    }

    /** Sends the dead letter whole, then cut, then bare, as long as the broker refuses it. */
    private void letter(ConsumerRecord<String, byte[]> record, Why why, int refusals, Runnable durable) {
        ProducerRecord<String, byte[]> letter = switch (refusals) {
            case 0 -> letters.whole(record, why);
            case 1 -> letters.cut(record, why);
            default -> letters.bare(record, why);
        };
        publisher.send(letter, new Sent(durable) {
            @Override
            public void refused(Exception cause) {
                if (refusals < 2) {
                    letter(record, why, refusals + 1, durable);
                } else {
                    LOG.errorf("the broker refused even a bare dead letter of %s-%d@%d (%s): it stays unfinished",
                            record.topic(), record.partition(), record.offset(), cause.toString());
                }
            }
        });
    }

    /**
     * Sends the result as a CloudEvent (its id the task's id, attempt and status, so a replayed outcome is the
     * same event), with the principal that submitted the task, for the results view to know whose it is.
     */
    private void send(ConsumerRecord<String, byte[]> record, TaskResult result, ResultPublisher.Callback callback) {
        ProducerRecord<String, byte[]> out = new ProducerRecord<>(resultsTopic, result.key(), TaskJson.write(result));
        Instant finished = result.timing() != null && result.timing().finishedAt() != null ? result.timing().finishedAt() : Instant.now();
        CloudEvents.write(out.headers(), result.taskId() + "/" + result.attempt() + "/" + result.status(), CloudEvents.RESULT, finished, result.taskId());
        out.headers().add(CloudEvents.CONTENT_TYPE, JSON);
        Header principal = record.headers().lastHeader(Headers.PRINCIPAL);
        if (principal != null && principal.value() != null && principal.value().length <= MAX_PRINCIPAL_BYTES) {
            out.headers().add(principal); // a producer's oversized header is not echoed: the results topic could refuse it
        }
        publisher.send(out, callback);
    }

    /** A result decided on without running the task here: its timing ends now, at the decision. */
    private static TaskResult.Builder decided(ConsumerRecord<String, byte[]> record, TaskResult.Builder about, Lane lane, int attempt) {
        return about.lane(lane, attempt).readFrom(record).timing(decidedNow(record));
    }

    private static Timing decidedNow(ConsumerRecord<String, byte[]> record) {
        Instant enqueued = Timestamps.enqueuedAt(record);
        Instant now = Instant.now();
        return Timing.of(enqueued, enqueued, now, now, -1, -1);
    }

    /** A callback whose acknowledgement runs {@code durable}. */
    private abstract static class Sent implements ResultPublisher.Callback {
        private final Runnable durable;

        Sent(Runnable durable) {
            this.durable = durable;
        }

        @Override
        public void acknowledged() {
            durable.run();
        }
    }
}
