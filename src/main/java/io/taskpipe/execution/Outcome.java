package io.taskpipe.execution;

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
record Outcome(Status status, JsonNode output, ErrorCode code, String message, boolean retryable, String exceptionClass) {

    /** Serializing the output may itself fail (a handler's odd record): call inside the run's catch. */
    static Outcome success(Object output) {
        return new Outcome(Status.SUCCEEDED, TaskJson.MAPPER.valueToTree(output), null, null, false, null);
    }

    static Outcome timedOut(String message) {
        return new Outcome(Status.TIMED_OUT, null, ErrorCode.DEADLINE_EXCEEDED, message, false, null);
    }

    /**
     * Classifies whatever a run threw: past the deadline it is a timeout; a {@link TaskFailure} carries its
     * code and says whether it is transient; other I/O errors may pass and are retried; anything else
     * (an {@link Error} included: out of memory, a stack overflow) is the task's own failure, not retried.
     */
    static Outcome failure(Throwable e, boolean pastDeadline) {
        if (pastDeadline || e instanceof TaskFailure f && f.code() == ErrorCode.DEADLINE_EXCEEDED) {
            return timedOut("the task ran past its deadline and was interrupted");
        }
        if (e instanceof TaskFailure f) {
            Throwable cause = f.getCause() != null ? f.getCause() : f;
            return new Outcome(Status.FAILED, null, f.code(), f.getMessage(), f.isTransient(), cause.getClass().getName());
        }
        if (e instanceof IOException) {
            return new Outcome(Status.FAILED, null, ErrorCode.IO_ERROR, e.toString(), true, e.getClass().getName());
        }
        return new Outcome(Status.FAILED, null, ErrorCode.EXECUTION_ERROR, e.toString(), false, e.getClass().getName());
    }

    /** The outcome of a task whose transient failures outlasted its retries. */
    Outcome exhausted(int attempts) {
        return new Outcome(Status.FAILED, null, ErrorCode.RETRIES_EXHAUSTED,
                "failed transiently " + attempts + " times; last: " + code + ": " + message, false, exceptionClass);
    }

    /** Writes this outcome into a result. */
    TaskResult.Builder describe(TaskResult.Builder result) {
        return status == Status.SUCCEEDED ? result.succeeded(output) : result.failed(status, code, message);
    }
}
