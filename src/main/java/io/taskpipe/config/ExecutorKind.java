package io.taskpipe.config;

/** What runs the IO lane's tasks. */
public enum ExecutorKind {
    /** A new virtual thread per task: blocking costs almost nothing, so waiting work scales to thousands. */
    VIRTUAL,
    /** A fixed pool of platform threads: one OS thread per running task. */
    PLATFORM
}
