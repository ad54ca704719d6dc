package io.taskpipe.consumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/** What a lane does with each record it reads: once per delivery to this process, on the poll thread. */
@FunctionalInterface
public interface RecordHandler {

    /**
     * Takes a record over. Must not block and must not throw: whatever happens to the record ends in
     * {@link Delivery#done()} (its outcome is durable) or {@link Delivery#skip()} (handed back unrun).
     */
    void handle(ConsumerRecord<String, byte[]> record, Delivery delivery);
}
