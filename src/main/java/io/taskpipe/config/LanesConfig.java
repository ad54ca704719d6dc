package io.taskpipe.config;

import io.smallrye.config.WithDefault;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;

import java.time.Duration;
import java.util.Optional;

/** What both lanes share: delivery, hand-over and shutdown. */
public interface LanesConfig {

    @Valid
    IoLaneConfig io();

    @Valid
    CpuLaneConfig cpu();

    /** On SIGTERM, how long running tasks may take to finish before the process leaves. */
    @WithDefault("30s")
    Duration shutdownGrace();

    /** Deliveries that started a task and lost their process, after which it is dead-lettered as {@code WORKER_LOST}. */
    @WithDefault("3")
    @Min(1)
    int maxDeliveries();

    /**
     * Static group membership: a stable, unique id per process (a StatefulSet pod name) lets a restarted
     * process take its partitions back at once, without a rebalance. Default: none (dynamic membership).
     */
    Optional<String> instanceId();

    /**
     * On a rebalance, how long a revoked partition's running tasks may take before they are cancelled,
     * their outcomes fenced, and left to the new owner.
     */
    @WithDefault("10s")
    Duration revokeGrace();

    /**
     * How often finished tasks are committed when nothing forces a commit sooner; longer means fewer
     * writes at the broker and more finished tasks run again after a crash.
     */
    @WithDefault("100ms")
    Duration commitInterval();

    /**
     * With {@code start-commit=AHEAD}, how many offsets a partition's start window reaches past the last
     * record handed out: wider means fewer commits and more tasks charged beside one that kills its process.
     */
    @WithDefault("32")
    @Min(2)
    int startWindow();

    /** Memory for each lane's ordering evidence (the highest {@code seq} per key); least recent keys are forgotten first. */
    @WithDefault("8388608")
    @Min(1024)
    long orderingLedgerBytes();
}
