package io.taskpipe.check;

/** One dead letter as the checker reads it: the task id when its bytes could be read, the code and attempts. */
public record DeadLetter(String taskId, String key, String code, int attempts) {
}
