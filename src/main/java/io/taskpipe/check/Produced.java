package io.taskpipe.check;

/** A task a run published: what the checker expects an outcome for. {@code seq} may be null. */
public record Produced(String taskId, String key, Long seq) {
}
