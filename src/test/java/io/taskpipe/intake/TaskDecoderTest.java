package io.taskpipe.intake;

import io.taskpipe.contract.ErrorCode;
import io.taskpipe.intake.Decoded.Accepted;
import io.taskpipe.contract.Rejection;
import io.taskpipe.intake.Decoded.Rejected;
import io.taskpipe.contract.Lane;
import io.taskpipe.tasks.TaskTypes;
import io.taskpipe.tasks.cpu.SumTask;
import io.taskpipe.tasks.io.SleepTask;
import io.taskpipe.tasks.io.UrlFetchTask;
import io.taskpipe.tasks.guard.UrlGuard;
import jakarta.validation.Validation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TaskDecoderTest {

    private final TaskDecoder decoder = new TaskDecoder(
            new TaskTypes(List.of(new SleepTask(), new SumTask(),
                    new UrlFetchTask(new UrlGuard(List.of(), false), Duration.ofSeconds(1), 1000, 3)),
                    Map.of("compute.sum", Lane.IO)),
            Validation.buildDefaultValidatorFactory().getValidator(), 1000);

    private Decoded decode(String json, String recordKey) {
        return decoder.decode(json.getBytes(StandardCharsets.UTF_8), recordKey);
    }

    @Test
    void acceptsAFullTaskAndBindsItsParams() {
        Accepted accepted = (Accepted) decode("""
                {"version":1,"id":"t1","type":"io.sleep","key":"k","seq":17,
                 "createdAt":"2026-11-22T10:15:30.123Z","timeoutMs":500,"params":{"millis":5}}""", "record-key");
        assertThat(accepted.task().key()).isEqualTo("k");
        assertThat(accepted.task().seq()).isEqualTo(17);
        assertThat(accepted.task().createdAt()).isEqualTo(Instant.parse("2026-11-22T10:15:30.123Z"));
        assertThat(accepted.params()).isEqualTo(new SleepTask.Params(5L));
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
        Rejection large = ((Rejected) decoder.decode(new byte[1001], null)).rejection();
        assertThat(large.code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE);
        String deep = "{\"id\":\"t\",\"type\":\"io.sleep\",\"params\":" + "[".repeat(40) + "]".repeat(40) + "}";
        Rejection nested = ((Rejected) decode(deep, null)).rejection();
        assertThat(nested.code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE);
        assertThat(nested.reason()).contains("nesting depth");
    }

    @Test
    void routingOverridesTheLaneATypeDeclares() {
        TaskTypes types = new TaskTypes(List.of(new SleepTask(), new SumTask()), Map.of("compute.sum", Lane.IO));
        assertThat(types.laneOf(types.find("compute.sum").orElseThrow())).isEqualTo(Lane.IO);
        assertThat(types.laneOf(types.find("io.sleep").orElseThrow())).isEqualTo(Lane.IO);
    }
}
