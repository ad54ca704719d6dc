package io.taskpipe.tasks;

import io.taskpipe.contract.ErrorCode;

/**
 * An expected way for a task to fail, with the code its result or dead letter carries. A
 * {@linkplain #isTransient() transient} failure (an unreachable server, a 5xx) may pass and is
 * retried with backoff; any other is permanent and ends the task at once.
 */
public class TaskFailure extends RuntimeException {

    private final ErrorCode code;
    private final boolean transientFailure;

    public TaskFailure(ErrorCode code, String message) {
        this(code, message, null, false);
    }

    public TaskFailure(ErrorCode code, String message, Throwable cause) {
        this(code, message, cause, false);
    }

    private TaskFailure(ErrorCode code, String message, Throwable cause, boolean transientFailure) {
        super(message, cause);
        this.code = code;
        this.transientFailure = transientFailure;
    }

    /** A failure worth retrying: the same task may succeed a little later. */
    public static TaskFailure transientFailure(ErrorCode code, String message, Throwable cause) {
        return new TaskFailure(code, message, cause, true);
    }

    public ErrorCode code() {
        return code;
    }

    public boolean isTransient() {
        return transientFailure;
    }
}
