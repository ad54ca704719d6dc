package io.taskpipe.tasks.guard;

import io.taskpipe.tasks.TaskFailure;

import java.net.UnknownHostException;

/**
 * The {@link UrlGuard}'s answer for a host it gave no addresses for: refused ({@code FORBIDDEN_URL})
 * or not resolvable ({@code NOT_FOUND}). It travels through the HTTP client as the
 * {@link UnknownHostException} a DNS hook may throw, carrying the failure itself, so the caller
 * classifies it by type and never by reading a message.
 */
public final class HostRefusedException extends UnknownHostException {

    private final TaskFailure failure;

    public HostRefusedException(String host, TaskFailure failure) {
        super(host + ": " + failure.getMessage());
        initCause(failure);
        this.failure = failure;
    }

    /** The guard's failure, with its code and reason, to end the task with. */
    public TaskFailure failure() {
        return failure;
    }
}
