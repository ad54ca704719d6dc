package io.taskpipe.results;

import io.taskpipe.config.TaskpipeConfig;
import io.taskpipe.contract.TaskJson;
import io.taskpipe.contract.TaskResult;
import io.taskpipe.kafka.KafkaClients;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Sends records that settle a task (results, dead letters, forwarded CPU tasks) and calls back once
 * the broker acknowledged them. A send the producer gives up on is retried with backoff: the task's
 * offset is not committed until its outcome is durable, so giving up would mean losing it.
 */
@ApplicationScoped
public class ResultPublisher {

    private static final Logger LOG = Logger.getLogger(ResultPublisher.class);
    private static final long MAX_BACKOFF_MS = 30_000;

    private final KafkaClients clients;
    private final String resultsTopic;
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("taskpipe-send-retry").daemon().factory());

    @Inject
    public ResultPublisher(KafkaClients clients, TaskpipeConfig config) {
        this(clients, config.topics().results());
    }

    public ResultPublisher(KafkaClients clients, String resultsTopic) {
        this.clients = clients;
        this.resultsTopic = resultsTopic;
    }

    /** Publishes a result keyed by its ordering key. */
    public void publish(TaskResult result, Runnable acknowledged) {
        send(new ProducerRecord<>(resultsTopic, result.key(), TaskJson.write(result)), acknowledged);
    }

    /** Sends a record and runs {@code acknowledged} once the broker has it, retrying until it does. */
    public void send(ProducerRecord<String, byte[]> record, Runnable acknowledged) {
        send(record, acknowledged, 100);
    }

    private void send(ProducerRecord<String, byte[]> record, Runnable acknowledged, long backoffMs) {
        Producer<String, byte[]> producer = clients.producer();
        try {
            producer.send(record, (metadata, error) -> {
                if (error == null) {
                    acknowledged.run();
                } else {
                    retryLater(record, acknowledged, backoffMs, error);
                }
            });
        } catch (RuntimeException e) {
            retryLater(record, acknowledged, backoffMs, e);
        }
    }

    private void retryLater(ProducerRecord<String, byte[]> record, Runnable acknowledged, long backoffMs, Exception error) {
        LOG.warnf("sending to %s failed (%s); retrying in %d ms", record.topic(), error.toString(), backoffMs);
        retries.schedule(() -> send(record, acknowledged, Math.min(MAX_BACKOFF_MS, backoffMs * 2)), backoffMs, TimeUnit.MILLISECONDS);
    }
}
