package io.taskpipe.api;

import io.taskpipe.config.TaskpipeConfig;
import io.taskpipe.kafka.KafkaClients;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Publishes a REST submission all or nothing: each batch is one Kafka transaction, and the lanes read
 * with {@code read_committed}, so they see every task of it or none. A small pool of transactional
 * producers serves concurrent requests; a request that finds none free within the publish timeout, or
 * whose transaction fails, publishes nothing and is told to come back later.
 */
@ApplicationScoped
public class BatchPublisher {

    private static final Logger LOG = Logger.getLogger(BatchPublisher.class);

    /** Every transactional id of the pool starts with this (the ACLs grant the dispatcher these ids, see KafkaAcls). */
    public static final String TRANSACTIONAL_ID_PREFIX = "taskpipe-api-";

    /** How a batch ended. */
    public enum Result {
        /** Every record is durable and visible. */
        PUBLISHED,
        /** Nothing was published: every producer was busy for the whole publish timeout. */
        BUSY,
        /** Nothing was published: the broker refused or did not answer in time. */
        FAILED
    }

    private final KafkaClients clients;
    private final Duration timeout;
    private final BlockingQueue<Producer<String, byte[]>> idle;
    private final AtomicInteger created = new AtomicInteger();
    private final int size;

    public BatchPublisher(KafkaClients clients, TaskpipeConfig config) {
        this.clients = clients;
        this.timeout = config.api().publishTimeout();
        this.size = config.api().producers();
        this.idle = new ArrayBlockingQueue<>(size);
    }

    public Result publish(List<ProducerRecord<String, byte[]>> records) {
        Producer<String, byte[]> producer;
        try {
            producer = take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Result.BUSY;
        } catch (KafkaException e) {
            LOG.warnf("cannot open a transactional producer for a REST batch (%s)", e.toString());
            return Result.FAILED;
        }
        if (producer == null) {
            return Result.BUSY;
        }
        try {
            producer.beginTransaction();
            records.forEach(producer::send);
            producer.commitTransaction(); // flushes, and fails if any send failed
            idle.add(producer);
            return Result.PUBLISHED;
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException | UnsupportedVersionException e) {
            LOG.warnf("a REST batch of %d task(s) was not published (%s); replacing its producer", records.size(), e.toString());
            replace(producer);
        } catch (KafkaException e) {
            LOG.warnf("a REST batch of %d task(s) was not published (%s)", records.size(), e.toString());
            abort(producer);
        }
        return Result.FAILED;
    }

    /** An idle producer, a new one while the pool is not full, or null after waiting the timeout. */
    private Producer<String, byte[]> take() throws InterruptedException {
        Producer<String, byte[]> producer = idle.poll();
        if (producer != null) {
            return producer;
        }
        int index = created.getAndIncrement();
        if (index < size) {
            try {
                return open(index);
            } catch (KafkaException e) {
                created.decrementAndGet();
                throw e;
            }
        }
        created.decrementAndGet();
        return idle.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private Producer<String, byte[]> open(int index) {
        Producer<String, byte[]> producer = clients.newTransactionalProducer(
                TRANSACTIONAL_ID_PREFIX + ProcessHandle.current().pid() + "-" + index + "-" + System.nanoTime(), timeout);
        try {
            producer.initTransactions();
            return producer;
        } catch (KafkaException e) {
            producer.close(Duration.ZERO);
            throw e;
        }
    }

    private void abort(Producer<String, byte[]> producer) {
        try {
            producer.abortTransaction();
            idle.add(producer);
        } catch (KafkaException e) {
            replace(producer);
        }
    }

    /** A producer in an unknown state is closed; a fresh one takes its place when next needed. */
    private void replace(Producer<String, byte[]> producer) {
        try {
            producer.close(Duration.ZERO);
        } catch (KafkaException e) {
            LOG.debugf("closing a broken producer: %s", e.toString());
        }
        created.decrementAndGet();
    }

    @PreDestroy
    void close() {
        idle.forEach(producer -> producer.close(timeout));
    }
}
