package io.taskpipe.results;

import io.taskpipe.config.TaskpipeConfig;
import io.taskpipe.kafka.KafkaClients;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Sends the records that settle a task (results, dead letters, forwarded CPU tasks) and says how each
 * send ended. Every failure is classified where it is caught:
 * <ul>
 *   <li>the broker or producer <b>refuses the record itself</b> (too large, invalid): sending it again
 *       cannot help, so the caller hears {@link Callback#refused} at once and records something smaller;</li>
 *   <li>anything else may pass (a leader election, a broker restart): the send is retried with backoff
 *       for up to {@code publishTimeout}, then given up with an error in the log. The task's offset is
 *       not committed, so it is not lost; it stays unfinished, and the lane's health names it.</li>
 * </ul>
 */
@ApplicationScoped
public class ResultPublisher {

    private static final Logger LOG = Logger.getLogger(ResultPublisher.class);
    private static final long MAX_BACKOFF_MS = 10_000;

    /** How one send ended. Called on a producer or retry thread: must not block. */
    public interface Callback {
        /** The broker has the record ({@code acks=all}). */
        void acknowledged();

        /** The record as it is can never be written; send something else instead. */
        void refused(Exception cause);
    }

    private final KafkaClients clients;
    private final long publishTimeoutNanos;
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("taskpipe-send-retry").daemon().factory());

    @Inject
    public ResultPublisher(KafkaClients clients, TaskpipeConfig config) {
        this(clients, config.results().publishTimeout());
    }

    public ResultPublisher(KafkaClients clients, Duration publishTimeout) {
        this.clients = clients;
        this.publishTimeoutNanos = publishTimeout.toNanos();
    }

    /** Sends a record; {@code callback} hears whether the broker has it or refused it. */
    public void send(ProducerRecord<String, byte[]> record, Callback callback) {
        send(record, callback, System.nanoTime(), 100);
    }

    private void send(ProducerRecord<String, byte[]> record, Callback callback, long firstTry, long backoffMs) {
        try {
            clients.producer().send(record, (metadata, error) -> {
                if (error == null) {
                    callback.acknowledged();
                } else {
                    failed(record, callback, firstTry, backoffMs, error);
                }
            });
        } catch (RuntimeException e) {
            failed(record, callback, firstTry, backoffMs, e);
        }
    }

    private void failed(ProducerRecord<String, byte[]> record, Callback callback, long firstTry, long backoffMs, Exception error) {
        if (refusesTheRecord(error)) {
            LOG.warnf("the broker refused a record for %s (%s); recording a smaller one instead", record.topic(), error.toString());
            callback.refused(error);
            return;
        }
        if (error instanceof IllegalStateException || System.nanoTime() - firstTry > publishTimeoutNanos) {
            LOG.errorf("giving up sending to %s after %d s (%s): the task stays unfinished, and the lane's health reports it",
                    record.topic(), TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - firstTry), error.toString());
            return;
        }
        LOG.warnf("sending to %s failed (%s); retrying in %d ms", record.topic(), error.toString(), backoffMs);
        retries.schedule(() -> send(record, callback, firstTry, Math.min(MAX_BACKOFF_MS, backoffMs * 2)), backoffMs, TimeUnit.MILLISECONDS);
    }

    /** Failures that say the record itself can never be written, whatever is retried. */
    static boolean refusesTheRecord(Throwable error) {
        Throwable e = error.getCause() instanceof RecordTooLargeException ? error.getCause() : error;
        return e instanceof RecordTooLargeException || e instanceof RecordBatchTooLargeException
                || e instanceof InvalidRecordException || e instanceof SerializationException || e instanceof InvalidTopicException;
    }
}
