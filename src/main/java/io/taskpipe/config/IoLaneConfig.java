package io.taskpipe.config;

import io.smallrye.config.WithDefault;
import io.taskpipe.contract.OrderingMode;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;

import java.time.Duration;

/** The dispatcher's lane: waiting work, run where it is read. */
public interface IoLaneConfig extends LaneConfig {

    /** IO tasks running at once. */
    @WithDefault("1024")
    @Min(1)
    int maxInFlight();

    /** IO tasks held beyond those running (waiting for their key, a slot or a retry). */
    @WithDefault("1024")
    @Min(0)
    int queueCapacity();

    /**
     * Bytes of task records (key, value, headers) the IO lane holds at once, running, queued or read
     * ahead; beyond it, it stops fetching.
     */
    @Override
    @WithDefault("67108864")
    @Min(1024)
    long maxHeldBytes();

    /** {@code VIRTUAL} (a thread per task) or {@code PLATFORM} (a pool of {@code platform-threads}). */
    @WithDefault("VIRTUAL")
    ExecutorKind executor();

    /** Pool size with {@code executor=PLATFORM}. */
    @WithDefault("200")
    @Min(1)
    int platformThreads();

    /** {@code KEY}, {@code PARTITION} or {@code NONE}. */
    @Override
    @WithDefault("KEY")
    OrderingMode ordering();

    /**
     * When an IO task's start is recorded: {@code LATER} (with the next commit; a crash may replay tasks
     * unmarked), {@code AHEAD} (a window committed ahead) or {@code EACH} (before each task runs).
     */
    @Override
    @WithDefault("LATER")
    StartCommit startCommit();

    /** Consumer group of the dispatchers. */
    @Override
    @WithDefault("taskpipe-dispatcher")
    @NotBlank
    String group();

    /**
     * How long a dispatcher runs its task types' samples before its lane joins the group (and it reports ready), so
     * that its first tasks run compiled code rather than the interpreter's; 0 skips the warm-up.
     */
    @Override
    @WithDefault("2s")
    Duration warmUp();
}
