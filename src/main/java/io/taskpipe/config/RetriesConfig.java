package io.taskpipe.config;

import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;

import java.time.Duration;

/** How a task that fails transiently is run again. */
public interface RetriesConfig {

    /** Runs of a transiently failing task, the first included, before it is dead-lettered. */
    @WithDefault("4")
    @Min(1)
    int maxAttempts();

    /** Wait before the first retry. */
    @WithDefault("1s")
    Duration initialBackoff();

    /** Growth of the wait per retry. */
    @WithDefault("2")
    @DecimalMin("1.0")
    double multiplier();

    /** Longest wait. */
    @WithDefault("60s")
    Duration maxBackoff();

    /** Random spread of each wait, as a fraction of it (0.2 = ±20 %), so retries of many tasks do not align. */
    @WithDefault("0.2")
    @DecimalMin("0.0")
    @DecimalMax("0.99")
    double jitter();
}
