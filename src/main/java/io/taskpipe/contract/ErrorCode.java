package io.taskpipe.contract;

/** Why a task was rejected or failed. Stable names: consumers of results and dead letters may switch on them. */
public enum ErrorCode {
    /** The record is not valid JSON or not a JSON object. */
    MALFORMED_JSON,
    /** The record (key, value and headers) is larger than {@code taskpipe.tasks.max-record-bytes}. */
    PAYLOAD_TOO_LARGE,
    /** A contract field is missing, of the wrong type or unknown, or a timestamp lies outside the believable window. */
    INVALID_TASK,
    /** The record key or the task's {@code key} is too long or has control characters, or the two differ. */
    INVALID_KEY,
    /** The contract {@code version} is not one this build reads. */
    UNSUPPORTED_VERSION,
    /** No task type of that name. */
    UNKNOWN_TYPE,
    /** The params do not fit the task type. */
    INVALID_PARAMS,
    /** A path outside the base directory, or a file that is not a regular file. */
    FORBIDDEN_PATH,
    /** A URL whose scheme, host or address is not allowed. */
    FORBIDDEN_URL,
    /** The file or URL does not exist. */
    NOT_FOUND,
    /**
     * A file or body larger than the configured limit, an image whose pixels or thumbnail would not fit the limits, or a
     * thumbnail that would take the thumbnails past their disk budget.
     */
    TOO_LARGE,
    /** A file whose content the task cannot process: an image that does not decode. Permanent, not retried. */
    INVALID_CONTENT,
    /** The server answered with a client error status (4xx other than 404, 410 and 429). */
    HTTP_ERROR,
    /** The server could not be reached, or answered 429 or 5xx: transient, retried. */
    UNAVAILABLE,
    /** A transient failure persisted through every retry. */
    RETRIES_EXHAUSTED,
    /** Reading a file failed, or a response broke off: transient, retried. */
    IO_ERROR,
    /** The task ran past its deadline. */
    DEADLINE_EXCEEDED,
    /** Every delivery of the task so far started it and lost its process (crash, OOM, kill): given up. */
    WORKER_LOST,
    /** The task's code (or taskpipe's, handling the record) failed unexpectedly. */
    EXECUTION_ERROR,
    /**
     * The broker refused a record that settles the task (its result, dead letter or CPU forward) as too
     * large or invalid: a cut-down dead letter and result with this code were recorded instead.
     */
    REFUSED_BY_BROKER
}
