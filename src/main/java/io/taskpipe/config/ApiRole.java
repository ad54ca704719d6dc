package io.taskpipe.config;

import java.util.Locale;

/** What a principal may do with the task API. */
public enum ApiRole {
    /** {@code POST /tasks}. */
    SUBMIT,
    /** {@code GET /tasks/{id}} of its own tasks, {@code GET /types}, {@code /q/metrics}. */
    READ,
    /** Everything, and every principal's results. */
    ADMIN;

    /** The role's name as the HTTP permissions in {@code application.properties} spell it. */
    public String role() {
        return name().toLowerCase(Locale.ROOT);
    }
}
