package io.taskpipe.config;

/**
 * When a lane records that a task started, so that a task running when its process died is known on
 * redelivery: charged, marked as a replay, and given up on after too many such losses.
 */
public enum StartCommit {
    /** Each start is committed before its task runs: exact, at a broker round trip on every start. */
    EACH,
    /**
     * A window of offsets is committed ahead of the tasks, and a start inside it runs at once. Should the
     * process die, its partitions' next owner charges the unfinished offsets of its window and runs them
     * with {@code EACH}: a task that kills its process is charged from its first run on, at no round trip
     * on the way; a task in the window beside it is charged once too ({@code attempt} 2).
     */
    AHEAD,
    /** Starts go with the next commit: a process that dies right after a start leaves it uncharged and its replay unmarked. */
    LATER
}
