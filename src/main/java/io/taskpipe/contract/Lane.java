package io.taskpipe.contract;

/** The two execution models: waiting work and computing work. */
public enum Lane {
    /** Waiting work (files, URLs, sleeps): virtual threads in the dispatcher. */
    IO,
    /** Computing work (hashing, sieves, images): platform threads in separate cpu-worker processes. */
    CPU
}
