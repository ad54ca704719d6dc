package io.taskpipe.intake;

import io.taskpipe.contract.ErrorCode;
import io.taskpipe.intake.Decoded.Accepted;
import io.taskpipe.contract.Rejection;
import io.taskpipe.intake.Decoded.Rejected;
import io.taskpipe.tasks.TaskTypes;
import io.taskpipe.tasks.cpu.SumTask;
import io.taskpipe.tasks.io.SleepTask;
import io.taskpipe.tasks.io.UrlFetchTask;
import io.taskpipe.tasks.guard.UrlGuard;
import jakarta.validation.Validation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class TaskDecoderTest {

    private final TaskDecoder decoder = new TaskDecoder(
            new TaskTypes(List.of(new SleepTask(), new SumTask(),
                    new UrlFetchTask(new UrlGuard(List.of(), false), Duration.ofSeconds(1), 1000, 3))),
            Validation.buildDefaultValidatorFactory().getValidator(), 1000);

    private Decoded decode(String json, String recordKey) {
        return decoder.decode(record(recordKey, json.getBytes(StandardCharsets.UTF_8)));
    }

    /** A record as the consumer hands it over, with its serialized sizes. */
    private static ConsumerRecord<String, byte[]> record(String key, byte[] value, Header... headers) {
        int keySize = key == null ? ConsumerRecord.NULL_SIZE : key.getBytes(StandardCharsets.UTF_8).length;
        return new ConsumerRecord<>("taskpipe.tasks", 0, 0L, System.currentTimeMillis(), TimestampType.CREATE_TIME, keySize,
                value == null ? ConsumerRecord.NULL_SIZE : value.length, key, value, new RecordHeaders(headers), Optional.empty());
    }

    private Rejection rejection(String json, String recordKey) {
        return ((Rejected) decode(json, recordKey)).rejection();
    }

    @Test
    void acceptsAFullTaskAndBindsItsParams() {
        Instant created = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.MILLIS);
        Accepted accepted = (Accepted) decode("""
                {"version":1,"id":"t1","type":"io.sleep","key":"k","seq":17,
                 "createdAt":"%s","timeoutMs":500,"params":{"millis":5}}""".formatted(created), "k");
        assertThat(accepted.task().key()).isEqualTo("k");
        assertThat(accepted.task().seq()).isEqualTo(17);
        assertThat(accepted.task().createdAt()).isEqualTo(created);
        assertThat(accepted.params()).isEqualTo(new SleepTask.Params(5L));
    }

    @Test
    void aRecordKeyThatDiffersFromTheTasksKeyIsRejected() {
        Rejection mismatch = rejection("{\"id\":\"t1\",\"type\":\"io.sleep\",\"key\":\"k\",\"params\":{\"millis\":1}}", "other");
        assertThat(mismatch.code()).isEqualTo(ErrorCode.INVALID_KEY);
        assertThat(mismatch.reason()).contains("'other' differs from the task's key 'k'");
        assertThat(mismatch.taskId()).isEqualTo("t1");
    }

    @Test
    void keysWithControlCharactersOrOfMoreThan200CharactersAreRejected() {
        String task = "{\"id\":\"t1\",\"type\":\"io.sleep\",\"params\":{\"millis\":1}}";
        assertThat(rejection(task, "a\u001b[2Jb").code()).isEqualTo(ErrorCode.INVALID_KEY);
        Rejection longKey = rejection(task, "k".repeat(201));
        assertThat(longKey.code()).isEqualTo(ErrorCode.INVALID_KEY);
        assertThat(longKey.taskId()).as("the id is still read, so its waiter gets a result").isEqualTo("t1");
        assertThat(rejection("{\"id\":\"t1\",\"type\":\"io.sleep\",\"key\":\"a\\tb\",\"params\":{\"millis\":1}}", null).code())
                .isEqualTo(ErrorCode.INVALID_KEY);
        assertThat(((Accepted) decode(task, "k".repeat(200))).task().key()).hasSize(200);
    }

    @Test
    void createdAtOutsideTheBelievableWindowIsRejected() {
        for (String createdAt : List.of("1500-01-01T00:00:00Z", Instant.now().plus(Duration.ofHours(1)).toString(),
                Instant.now().minus(Duration.ofDays(31)).toString())) {
            Rejection rejected = rejection("{\"id\":\"t1\",\"type\":\"compute.sum\",\"createdAt\":\"" + createdAt
                    + "\",\"params\":{\"n\":1}}", null);
            assertThat(rejected.code()).as(createdAt).isEqualTo(ErrorCode.INVALID_TASK);
            assertThat(rejected.reason()).contains("field 'createdAt'").contains("believable window");
        }
    }

    @Test
    void theOrderingKeyFallsBackToTheRecordKeyThenTheId() {
        assertThat(((Accepted) decode("{\"id\":\"t1\",\"type\":\"io.sleep\",\"params\":{\"millis\":1}}", "rk")).task().key()).isEqualTo("rk");
        assertThat(((Accepted) decode("{\"id\":\"t1\",\"type\":\"io.sleep\",\"params\":{\"millis\":1}}", null)).task().key()).isEqualTo("t1");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not json                   | {\"id\":                                                      | MALFORMED_JSON      | not valid JSON",
            "an array                   | [1,2]                                                         | MALFORMED_JSON      | a task is a JSON object",
            "trailing garbage           | {\"id\":\"t\",\"type\":\"io.sleep\"} x                         | MALFORMED_JSON      | not valid JSON",
            "no id                      | {\"type\":\"io.sleep\",\"params\":{\"millis\":1}}             | INVALID_TASK        | field 'id' is required",
            "no type                    | {\"id\":\"t\"}                                                | INVALID_TASK        | field 'type' is required",
            "unknown field              | {\"id\":\"t\",\"type\":\"io.sleep\",\"colour\":1}             | INVALID_TASK        | unknown field 'colour'",
            "seq as a string            | {\"id\":\"t\",\"type\":\"io.sleep\",\"seq\":\"7\"}            | INVALID_TASK        | field 'seq' must be an integer",
            "negative timeout           | {\"id\":\"t\",\"type\":\"io.sleep\",\"timeoutMs\":-1}         | INVALID_TASK        | field 'timeoutMs' must be positive",
            "future version             | {\"version\":2,\"id\":\"t\",\"type\":\"io.sleep\"}            | UNSUPPORTED_VERSION | contract version 2 is not supported",
            "unknown type               | {\"id\":\"t\",\"type\":\"io.nap\"}                            | UNKNOWN_TYPE        | unknown task type 'io.nap'; known types: compute.sum, io.sleep, url.fetch",
            "missing param              | {\"id\":\"t\",\"type\":\"io.sleep\",\"params\":{}}            | INVALID_PARAMS      | params.millis must not be null",
            "negative param             | {\"id\":\"t\",\"type\":\"io.sleep\",\"params\":{\"millis\":-3}} | INVALID_PARAMS    | params.millis must be greater than or equal to 0",
            "param as a string          | {\"id\":\"t\",\"type\":\"io.sleep\",\"params\":{\"millis\":\"3\"}} | INVALID_PARAMS  | field 'params.millis' must be an integer",
            "fractional param           | {\"id\":\"t\",\"type\":\"compute.sum\",\"params\":{\"n\":1.5}} | INVALID_PARAMS     | field 'params.n' must be an integer",
            "unknown param              | {\"id\":\"t\",\"type\":\"io.sleep\",\"params\":{\"millis\":1,\"x\":2}} | INVALID_PARAMS | unknown field 'params.x'",
            "params not an object       | {\"id\":\"t\",\"type\":\"io.sleep\",\"params\":[1]}           | INVALID_TASK        | field 'params' must be an object",
            "bad url                    | {\"id\":\"t\",\"type\":\"url.fetch\",\"params\":{\"url\":\"http://a b\"}} | INVALID_PARAMS | params.url is not a URL",
    })
    void rejectsWithAReasonNamingTheField(String name, String json, ErrorCode code, String reason) {
        Rejection rejected = ((Rejected) decode(json, null)).rejection();
        assertThat(rejected.code()).isEqualTo(code);
        assertThat(rejected.reason()).contains(reason);
    }

    @Test
    void keepsTheIdOfARejectedTaskWhenItCanBeRead() {
        Rejection rejected = ((Rejected) decode("{\"id\":\"t9\",\"type\":\"io.nap\",\"key\":\"k\"}", null)).rejection();
        assertThat(rejected.taskId()).isEqualTo("t9");
        assertThat(rejected.type()).isEqualTo("io.nap");
        assertThat(rejected.key()).isEqualTo("k");
    }

    @Test
    void rejectsOversizedRecordsAndDeepNestingBeforeBindingThem() {
        Rejection large = ((Rejected) decoder.decode(record(null, new byte[1001]))).rejection();
        assertThat(large.code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE);
        String deep = "{\"id\":\"t\",\"type\":\"io.sleep\",\"params\":" + "[".repeat(40) + "]".repeat(40) + "}";
        Rejection nested = ((Rejected) decode(deep, null)).rejection();
        assertThat(nested.code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE);
        assertThat(nested.reason()).contains("nesting depth");
    }

    @Test
    void anOversizedRecordStillNamesItsTaskAndItsHeadersAndKeyCount() {
        String oversized = "{\"id\":\"big-1\",\"type\":\"file.read\",\"params\":{\"path\":\"" + "\\u0001".repeat(200) + "\"}}";
        Rejection large = ((Rejected) decoder.decode(record(null, oversized.getBytes(StandardCharsets.UTF_8)))).rejection();
        assertThat(large.code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE);
        assertThat(large.taskId()).isEqualTo("big-1");
        byte[] small = "{\"id\":\"t2\",\"type\":\"io.sleep\",\"params\":{\"millis\":1}}".getBytes(StandardCharsets.UTF_8);
        Rejection headers = ((Rejected) decoder.decode(record(null, small, new RecordHeader("filler", new byte[1000])))).rejection();
        assertThat(headers.code()).as("headers count toward the limit").isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE);
        assertThat(headers.taskId()).isEqualTo("t2");
    }
}
