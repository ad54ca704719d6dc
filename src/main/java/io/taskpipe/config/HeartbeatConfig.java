package io.taskpipe.config;

import io.smallrye.config.WithDefault;

import java.time.Duration;

/** The heartbeat each process publishes on {@code taskpipe.topics.workers}, from which dispatchers list the pipeline's processes. */
public interface HeartbeatConfig {

    /**
     * How often a process publishes its heartbeat. A process is shown lost after three intervals without one,
     * so a shorter interval notices a dead process sooner, at a record per interval per process.
     */
    @WithDefault("1s")
    Duration interval();
}
