package io.taskpipe.config;

import io.smallrye.config.WithDefault;
import io.taskpipe.contract.OrderingMode;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;

import java.util.OptionalInt;

/** The cpu-workers' lane: computing work, one task per slot. */
public interface CpuLaneConfig extends LaneConfig {

    /** CPU tasks a worker runs at once. Default: the processors the JVM sees (container-aware). */
    @Min(1)
    OptionalInt slots();

    /** CPU tasks a worker holds beyond those running. Default: 4 per slot. */
    @Min(0)
    OptionalInt queueCapacity();

    /** Bytes of task records a cpu-worker holds at once, running, queued or read ahead. */
    @Override
    @WithDefault("16777216")
    @Min(1024)
    long maxHeldBytes();

    /** {@code KEY}, {@code PARTITION} or {@code NONE}. */
    @Override
    @WithDefault("KEY")
    OrderingMode ordering();

    /** Commit each CPU task's start before it runs, so a task that kills its worker at once is still counted. */
    @Override
    @WithDefault("true")
    boolean syncStarts();

    /** Consumer group of the cpu-workers. */
    @Override
    @WithDefault("taskpipe-cpu-worker")
    @NotBlank
    String group();
}
