package io.taskpipe.results;

import io.taskpipe.contract.CloudEvents;
import io.taskpipe.contract.ErrorCode;
import io.taskpipe.contract.Headers;
import io.taskpipe.contract.RecordSize;
import io.taskpipe.contract.TaskJson;
import io.taskpipe.contract.TaskResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * Dead letters: the original record (key, bytes and headers) on the dead-letter topic, as a CloudEvent
 * of its own (its {@code ce_*} headers replace the original's), with why in headers ({@code taskpipe-dlq-*}: code, reason, exception class, where it was read, its timestamp, its
 * attempts). In three sizes, for when the broker refuses the larger one: whole; cut (the original's
 * headers dropped, its key and value cut); bare (only taskpipe's headers). The original's topic,
 * partition and offset are in every size, so the record can always be found again.
 */
final class Letters {

    /** Why a record is dead-lettered. */
    record Why(ErrorCode code, String reason, String exceptionClass, int attempts) {
    }

    /** How much of the original value a cut letter keeps. */
    static final int CUT_VALUE_BYTES = 64 * 1024;
    /** Room for taskpipe's own headers when judging whether a whole letter fits. */
    private static final int OWN_HEADERS_BYTES = 4 * 1024;
    private static final int MAX_REASON_CHARS = 2000;

    private final String topic;
    private final int maxRequestBytes;

    /** @param maxRequestBytes the largest record the producer sends at all ({@code max.request.size}) */
    Letters(String topic, int maxRequestBytes) {
        this.topic = topic;
        this.maxRequestBytes = maxRequestBytes;
    }

    /** The letter to send first: whole, unless the producer could never send that; then cut. */
    ProducerRecord<String, byte[]> whole(ConsumerRecord<String, byte[]> original, Why why) {
        if (RecordSize.of(original) + OWN_HEADERS_BYTES > maxRequestBytes) {
            return cut(original, why);
        }
        RecordHeaders headers = new RecordHeaders(original.headers().toArray());
        return letter(original.key(), original.value(), headers, original, why);
    }

    /** The original's headers dropped, its key and value cut. */
    ProducerRecord<String, byte[]> cut(ConsumerRecord<String, byte[]> original, Why why) {
        RecordHeaders headers = new RecordHeaders();
        header(headers, Headers.DLQ_TRUNCATED, "headers");
        byte[] value = original.value() == null ? null : Arrays.copyOf(original.value(), Math.min(original.value().length, CUT_VALUE_BYTES));
        return letter(TaskResult.cut(original.key(), TaskResult.MAX_ECHO_CHARS), value, headers, original, why);
    }

    /** Only taskpipe's headers: what is left to say when even a cut letter is refused. */
    ProducerRecord<String, byte[]> bare(ConsumerRecord<String, byte[]> original, Why why) {
        RecordHeaders headers = new RecordHeaders();
        header(headers, Headers.DLQ_TRUNCATED, "value");
        return letter(TaskResult.cut(original.key(), TaskResult.MAX_ECHO_CHARS), null, headers, original, why);
    }

    private ProducerRecord<String, byte[]> letter(String key, byte[] value, RecordHeaders headers, ConsumerRecord<String, byte[]> original, Why why) {
        CloudEvents.write(headers, "dead-letter/" + original.topic() + "/" + original.partition() + "/" + original.offset(),
                CloudEvents.DEAD_LETTER, Instant.now(), taskId(original));
        header(headers, Headers.DLQ_CODE, why.code().name());
        header(headers, Headers.DLQ_REASON, TaskResult.cut(why.reason(), MAX_REASON_CHARS));
        if (why.exceptionClass() != null) {
            header(headers, Headers.DLQ_EXCEPTION, why.exceptionClass());
        }
        header(headers, Headers.DLQ_TOPIC, original.topic());
        header(headers, Headers.DLQ_PARTITION, Integer.toString(original.partition()));
        header(headers, Headers.DLQ_OFFSET, Long.toString(original.offset()));
        header(headers, Headers.DLQ_TIMESTAMP, Long.toString(original.timestamp()));
        header(headers, Headers.DLQ_ATTEMPTS, Integer.toString(why.attempts()));
        return new ProducerRecord<>(topic, null, key, value, headers);
    }

    /** The task id the original names, as a CloudEvent or in its value, if any: the dead letter's subject. */
    private static String taskId(ConsumerRecord<String, byte[]> original) {
        CloudEvents.Event event = CloudEvents.read(original.headers());
        String id = event != null && event.id() != null ? event.id() : TaskJson.peekText(original.value(), "id");
        return id == null || id.isBlank() ? null : TaskResult.cut(id, TaskResult.MAX_ECHO_CHARS);
    }

    private static void header(RecordHeaders headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
