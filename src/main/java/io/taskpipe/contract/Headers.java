package io.taskpipe.contract;

import org.apache.kafka.common.header.Header;

import java.nio.charset.StandardCharsets;

/** Kafka header names taskpipe writes. */
public final class Headers {

    /** On forwarded CPU tasks: the task's creation time (ISO-8601) when the task itself gave none. */
    public static final String CREATED_AT = "taskpipe-created-at";

    /**
     * On forwarded CPU tasks: the dispatcher's delivery attempt, so a task forwarded again after a
     * dispatcher crash is reported as a replay. Read only on the CPU topic, which only dispatchers
     * write: on the tasks topic a producer's header of this name is ignored (and replaced when forwarded).
     */
    public static final String ATTEMPT = "taskpipe-attempt";

    /** On a forwarded task: the dispatcher's routing decision (a result's {@code routing}, as JSON). */
    public static final String ROUTING = "taskpipe-routing";

    /**
     * On a task submitted through the task API, and on its result and dead letter: the principal that
     * submitted it. On records written straight to Kafka it is whatever their producer set, if anything.
     */
    public static final String PRINCIPAL = "taskpipe-principal";

    /** On dead letters: the {@link ErrorCode}. */
    public static final String DLQ_CODE = "taskpipe-dlq-code";
    /** On dead letters: a readable reason. */
    public static final String DLQ_REASON = "taskpipe-dlq-reason";
    /** On dead letters: the exception class, when an exception caused it. */
    public static final String DLQ_EXCEPTION = "taskpipe-dlq-exception";
    /** On dead letters: where the record was read from. */
    public static final String DLQ_TOPIC = "taskpipe-dlq-topic";
    public static final String DLQ_PARTITION = "taskpipe-dlq-partition";
    public static final String DLQ_OFFSET = "taskpipe-dlq-offset";
    /** On dead letters: the original record's timestamp (epoch milliseconds). */
    public static final String DLQ_TIMESTAMP = "taskpipe-dlq-timestamp";
    /** On dead letters: deliveries of the record so far. */
    public static final String DLQ_ATTEMPTS = "taskpipe-dlq-attempts";
    /**
     * On dead letters the broker refused whole: {@code headers} (the original's headers were dropped and
     * its value cut) or {@code value} (the original's value and headers were dropped).
     */
    public static final String DLQ_TRUNCATED = "taskpipe-dlq-truncated";

    private Headers() {
    }

    /** The last header of this name as UTF-8 text, or null when there is none (or it has no value). */
    public static String text(org.apache.kafka.common.header.Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
