package io.taskpipe.workers;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskpipe.contract.Lane;
import io.taskpipe.contract.TaskJson;
import io.taskpipe.testing.DocExamples;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class HeartbeatTest {

    private static final Heartbeat BEAT = new Heartbeat("cpu-worker", "pod-7", 42, Lane.CPU, 4, 3, 5, 1234, 2,
            Instant.parse("2026-01-02T03:04:05Z"), Instant.parse("2026-01-02T03:14:05.250Z"), 1000, false);

    @Test
    void isWrittenAsTheContractDescribesIt() throws Exception {
        JsonNode json = TaskJson.MAPPER.readTree(BEAT.toJson());

        assertThat(json.properties()).extracting(java.util.Map.Entry::getKey).containsExactly("role", "host", "pid", "lane", "slots",
                "running", "queued", "finished", "oldestUnfinishedSeconds", "startedAt", "sentAt", "intervalMs", "stopping");
        assertThat(json.path("role").asText()).isEqualTo("cpu-worker");
        assertThat(json.path("lane").asText()).isEqualTo("CPU");
        assertThat(json.path("pid").asLong()).isEqualTo(42);
        assertThat(json.path("finished").asLong()).isEqualTo(1234);
        assertThat(json.path("startedAt").asText()).isEqualTo("2026-01-02T03:04:05Z");
        assertThat(json.path("sentAt").asText()).isEqualTo("2026-01-02T03:14:05.250Z");
        assertThat(json.path("stopping").asBoolean()).isFalse();
    }

    @Test
    void isKeyedByTheProcessAsResultsNameIt() {
        assertThat(BEAT.id()).isEqualTo("pod-7:42");
    }

    @Test
    void readsBackWhatItWrote() throws Exception {
        assertThat(Heartbeat.fromJson(BEAT.toJson())).isEqualTo(BEAT);
    }

    /** docs/contract.md's example is a heartbeat, with every field a heartbeat writes, in the same order. */
    @Test
    void theContractsExampleIsAHeartbeat() throws Exception {
        String example = DocExamples.block(DocExamples.CONTRACT, "heartbeat");

        Heartbeat read = TaskJson.MAPPER.readValue(example, Heartbeat.class); // strict: no field the record lacks
        assertThat(TaskJson.MAPPER.readTree(read.toJson())).isEqualTo(TaskJson.MAPPER.readTree(example));
    }

    /** A newer process may say more: an older dispatcher still lists it. */
    @Test
    void readsAHeartbeatWithFieldsItDoesNotKnow() throws Exception {
        String newer = new String(BEAT.toJson(), StandardCharsets.UTF_8).replace("{", "{\"gpus\": 2, ");

        assertThat(Heartbeat.fromJson(newer.getBytes(StandardCharsets.UTF_8))).isEqualTo(BEAT);
    }
}
