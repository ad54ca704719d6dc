package io.taskpipe.lanes;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskpipe.contract.ErrorCode;
import io.taskpipe.contract.TaskJson;
import io.taskpipe.contract.TaskResult;
import io.taskpipe.contract.TaskResult.Status;
import io.taskpipe.tasks.TaskFailure;

import java.io.IOException;

/**
 * What one run of a task came to: its status, output or error, whether a retry may help, and the
 * exception class behind a failure (for dead letters).
 */
record Outcome(Status status, JsonNode output, TaskResult.Error error, boolean retryable, String exceptionClass) {

    static Outcome success(Object output) {
        return new Outcome(Status.SUCCEEDED, TaskJson.MAPPER.valueToTree(output), null, false, null);
    }

    static Outcome timedOut(String message) {
        return new Outcome(Status.TIMED_OUT, null, new TaskResult.Error(ErrorCode.DEADLINE_EXCEEDED, message), false, null);
    }

    /** Classifies a failure: past the deadline it is a timeout; I/O errors and transient failures may be retried. */
    static Outcome failure(Throwable e, boolean pastDeadline) {
        if (pastDeadline || e instanceof TaskFailure f && f.code() == ErrorCode.DEADLINE_EXCEEDED) {
            return timedOut("the task ran past its deadline and was interrupted");
        }
        if (e instanceof TaskFailure f) {
            Throwable cause = f.getCause() != null ? f.getCause() : f;
            return new Outcome(Status.FAILED, null, new TaskResult.Error(f.code(), f.getMessage()), f.isTransient(), cause.getClass().getName());
        }
        if (e instanceof IOException) {
            return new Outcome(Status.FAILED, null, new TaskResult.Error(ErrorCode.IO_ERROR, e.toString()), true, e.getClass().getName());
        }
        return new Outcome(Status.FAILED, null, new TaskResult.Error(ErrorCode.EXECUTION_ERROR, e.toString()), false, e.getClass().getName());
    }

    /** The outcome of a task whose transient failures outlasted its retries. */
    Outcome exhausted(int attempts) {
        return new Outcome(Status.FAILED, null, new TaskResult.Error(ErrorCode.RETRIES_EXHAUSTED,
                "failed transiently " + attempts + " times; last: " + error.code() + ": " + error.message()), false, exceptionClass);
    }
}
