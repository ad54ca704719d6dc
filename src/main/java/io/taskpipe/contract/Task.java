package io.taskpipe.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;

/**
 * A task as published to {@code taskpipe.tasks}: contract version 1 (see {@code schema/task-v1.schema.json}).
 *
 * @param version   contract version; absent means {@value #VERSION}
 * @param id        unique id chosen by the producer, the idempotency key
 * @param type      what to do, e.g. {@code compute.primes}
 * @param key       ordering key; absent means the record key, else {@code id}
 * @param seq       the producer's per-key sequence number, used only as ordering evidence
 * @param createdAt producer timestamp; absent means the record timestamp
 * @param timeoutMs deadline in milliseconds, capped by configuration
 * @param params    type-specific parameters
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Task(Integer version, String id, String type, String key, Long seq, Instant createdAt,
                   Long timeoutMs, ObjectNode params) {

    public static final int VERSION = 1;

    /** The ordering key: {@code key}, else {@code id}. */
    public String orderingKey() {
        return key != null ? key : id;
    }

    public Task withId(String newId) {
        return new Task(version, newId, type, key, seq, createdAt, timeoutMs, params);
    }

    public Task withKey(String newKey) {
        return new Task(version, id, type, newKey, seq, createdAt, timeoutMs, params);
    }
}
