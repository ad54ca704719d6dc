package io.taskpipe.config;

import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Min;

import java.time.Duration;

/** Results: publishing them, and the view that answers {@code GET /tasks/{id}}. */
public interface ResultsConfig {

    /** Memory for the results kept for {@code GET /tasks/{id}}; the oldest are dropped first. */
    @WithDefault("67108864")
    @Min(0)
    long viewBytes();

    /**
     * How long publishing a task's outcome may take, retries included. Past it the send is given up, the
     * task stays unfinished (its offset uncommitted) and liveness reports the lane stalled, naming the task.
     */
    @WithDefault("2m")
    Duration publishTimeout();
}
