package io.taskpipe.check;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/**
 * One result record as the checker reads it, in the order it arrived. {@code ordering} is the lane's
 * ordering mode ({@code KEY}, {@code PARTITION}, {@code NONE}).
 */
public record Observed(String taskId, String key, Long seq, String status, String errorCode, int attempt,
                       String lane, String ordering, long pid, Instant startedAt, Instant finishedAt, double endToEndMs) {

    static Observed of(JsonNode result) {
        JsonNode timing = result.path("timing");
        return new Observed(result.path("taskId").asText(), text(result.get("key")),
                result.path("seq").isIntegralNumber() ? result.get("seq").asLong() : null,
                result.path("status").asText(), text(result.path("error").get("code")),
                result.path("attempt").asInt(1), text(result.get("lane")), result.path("ordering").path("mode").asText("NONE"),
                result.path("worker").path("pid").asLong(),
                Instant.parse(timing.path("startedAt").asText()), Instant.parse(timing.path("finishedAt").asText()),
                timing.path("endToEndMs").asDouble());
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }
}
