package io.taskpipe.config;

import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import java.time.Duration;
import java.util.Map;

/** What every task gets: its deadline, and the largest record taken as one. */
public interface TasksConfig {

    /** Deadline of a task that gives no {@code timeoutMs}. */
    @WithDefault("30s")
    Duration defaultTimeout();

    /** Cap on any task's deadline; a larger {@code timeoutMs} is cut to it. */
    @WithDefault("5m")
    Duration maxTimeout();

    /** Per task type, a lower cap than {@code max-timeout}, e.g. {@code taskpipe.tasks.max-timeouts."url.fetch"=1m}. Default: none. */
    Map<String, Duration> maxTimeouts();

    /**
     * How long a task may ignore its cancellation after its deadline before it is given up on: its result
     * says {@code TIMED_OUT}, and a cpu-worker restarts to get its thread back.
     */
    @WithDefault("10s")
    Duration cancelGrace();

    /**
     * Offer the {@code test.*} types that misbehave on purpose: {@code test.crash} halts its process,
     * {@code test.spin} ignores cancellation, {@code test.flaky} fails transiently, {@code test.error} throws
     * an {@code Error} (reliability tests only).
     */
    @WithDefault("false")
    boolean testTypesEnabled();

    /**
     * Largest task record accepted, key, value and headers counted, in bytes; it must leave room below
     * the producer's {@code max.request.size} for a dead letter's headers.
     */
    @WithDefault("262144")
    @Min(1024)
    @Max(1_000_000)
    int maxRecordBytes();
}
