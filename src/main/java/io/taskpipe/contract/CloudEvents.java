package io.taskpipe.contract;

import org.apache.kafka.common.header.Header;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * CloudEvents on Kafka, binary content mode: the event's attributes are {@code ce_*} headers and the
 * record's value is its data. A task record may arrive as a CloudEvent; results and dead letters always
 * carry these headers, so CloudEvents consumers (Knative, Argo Events, any SDK) read them as events.
 */
public final class CloudEvents {

    public static final String SPEC_VERSION = "1.0";
    public static final String SPECVERSION = "ce_specversion";
    public static final String ID = "ce_id";
    public static final String SOURCE = "ce_source";
    public static final String TYPE = "ce_type";
    public static final String TIME = "ce_time";
    public static final String SUBJECT = "ce_subject";
    /** The data's media type: the binding's {@code content-type} header, not a {@code ce_} one. */
    public static final String CONTENT_TYPE = "content-type";

    /** What every event taskpipe writes names as its source. */
    public static final String TASKPIPE = "/taskpipe";
    /** The type of a result event; its data is the result JSON, its subject the task id. */
    public static final String RESULT = "io.taskpipe.result.v1";
    /** The type of a dead-letter event; its data is the original record's value. */
    public static final String DEAD_LETTER = "io.taskpipe.deadletter.v1";

    /** The attributes of an event read from a record, as sent (any may be null but the spec version). */
    public record Event(String specVersion, String id, String type, String time) {
    }

    private CloudEvents() {
    }

    /** The event a record's headers carry, or null for a plain record (no {@code ce_specversion}). */
    public static Event read(org.apache.kafka.common.header.Headers headers) {
        String specVersion = Headers.text(headers, SPECVERSION);
        return specVersion == null ? null : new Event(specVersion, Headers.text(headers, ID), Headers.text(headers, TYPE), Headers.text(headers, TIME));
    }

    /** Makes {@code headers} describe a taskpipe event, replacing whatever {@code ce_*} headers they had. */
    public static void write(org.apache.kafka.common.header.Headers headers, String id, String type, Instant time, String subject) {
        for (Header header : headers.toArray()) {
            if (header.key().startsWith("ce_")) {
                headers.remove(header.key());
            }
        }
        add(headers, SPECVERSION, SPEC_VERSION);
        add(headers, ID, id);
        add(headers, SOURCE, TASKPIPE);
        add(headers, TYPE, type);
        add(headers, TIME, time.toString());
        if (subject != null) {
            add(headers, SUBJECT, subject);
        }
    }

    private static void add(org.apache.kafka.common.header.Headers headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
