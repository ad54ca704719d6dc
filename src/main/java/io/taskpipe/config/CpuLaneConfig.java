package io.taskpipe.config;

import io.smallrye.config.WithDefault;
import io.taskpipe.contract.OrderingMode;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;

import java.time.Duration;
import java.util.Optional;
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

    /**
     * When a CPU task's start is recorded: {@code AHEAD} (a window committed ahead, so a task that kills its
     * worker is charged without a commit on the way to every start), {@code EACH} or {@code LATER}.
     */
    @Override
    @WithDefault("AHEAD")
    StartCommit startCommit();

    /** {@code GROUP} (a consumer group: workers up to the partition count, per-key order) or {@code SHARE} (a share group). */
    @WithDefault("GROUP")
    CpuDelivery delivery();

    /** Share group of the cpu-workers with {@code delivery=SHARE}: a group id names one kind of group only. */
    @WithDefault("taskpipe-cpu-share")
    @NotBlank
    String shareGroup();

    /**
     * With {@code delivery=SHARE}: how long the broker locks a record a worker holds (renewed while its task
     * runs), so how long the records of a worker that died wait for another; unset, the broker's
     * {@code group.share.record.lock.duration.ms} applies. Default: the broker's, 30 s unless set.
     */
    Optional<Duration> shareLock();

    /** Consumer group of the cpu-workers. */
    @Override
    @WithDefault("taskpipe-cpu-worker")
    @NotBlank
    String group();

    /**
     * How long a cpu-worker runs its task types' samples before its lane joins the group (and it reports ready), so
     * that its first tasks run compiled code rather than the interpreter's; 0 skips the warm-up.
     */
    @Override
    @WithDefault("2s")
    Duration warmUp();
}
