package io.taskpipe.lanes;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** What runs a lane's tasks. */
public enum ExecutorKind {
    /** A new virtual thread per task: blocking costs almost nothing, so waiting work scales to thousands. */
    VIRTUAL,
    /** A fixed pool of platform threads: one OS thread per running task. */
    PLATFORM;

    public ExecutorService create(String threadPrefix, int platformThreads) {
        return switch (this) {
            case VIRTUAL -> Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(threadPrefix, 0).factory());
            case PLATFORM -> Executors.newFixedThreadPool(platformThreads, Thread.ofPlatform().name(threadPrefix, 0).factory());
        };
    }
}
