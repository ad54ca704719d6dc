package io.taskpipe.tasks;

import io.taskpipe.contract.ErrorCode;

import java.time.Duration;
import java.time.Instant;

/** What a running task may ask of its lane: how long it has left. */
public final class TaskContext {

    private final Instant deadline;

    public TaskContext(Instant deadline) {
        this.deadline = deadline;
    }

    public Instant deadline() {
        return deadline;
    }

    public Duration remaining() {
        Duration left = Duration.between(Instant.now(), deadline);
        return left.isNegative() ? Duration.ZERO : left;
    }

    /**
     * Cooperative cancellation for computing loops: throws once the deadline has passed or the thread
     * was interrupted (the lane interrupts a task at its deadline).
     */
    public void checkDeadline() {
        if (Thread.currentThread().isInterrupted() || !Instant.now().isBefore(deadline)) {
            throw new TaskFailure(ErrorCode.DEADLINE_EXCEEDED, "deadline of " + deadline + " passed");
        }
    }
}
