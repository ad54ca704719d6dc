package io.taskpipe.activity;

import java.time.Instant;

/**
 * A task that did not succeed, or a record that was dead-lettered ({@code status} {@value #DEAD_LETTER}),
 * as the dashboard lists it. {@code seq} orders them as they were read.
 */
public record Failure(long seq, Instant at, String status, String code, String reason, String taskId, String type,
                      String lane, Integer attempt, String where) {

    public static final String DEAD_LETTER = "DEAD_LETTER";
}
