package io.taskpipe.contract;

/**
 * Why a record cannot run as a task, with whatever could be read of it ({@code taskId}, {@code type}
 * and {@code key} may be null): what its dead letter and its {@code REJECTED} result say.
 */
public record Rejection(ErrorCode code, String reason, String taskId, String type, String key) {
}
