package io.taskpipe.tasks;

import io.taskpipe.contract.ErrorCode;

/** An expected way for a task to fail, with the code its result or dead letter carries. */
public class TaskFailure extends RuntimeException {

    private final ErrorCode code;

    public TaskFailure(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public TaskFailure(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
