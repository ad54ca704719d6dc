package io.taskpipe.workers;

import io.taskpipe.config.TaskpipeConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/**
 * This process's part in the pipeline's picture of itself: every process publishes its heartbeats; a
 * process that dispatches also hears every process's ({@link WorkerDirectory}) and measures the lanes'
 * consumer lag ({@link ConsumerLag}), which its dashboard shows.
 */
@ApplicationScoped
public class Presence {

    private final boolean dispatches;
    private final HeartbeatPublisher heartbeats;
    private final WorkerDirectory directory;
    private final ConsumerLag lag;

    public Presence(TaskpipeConfig config, HeartbeatPublisher heartbeats, WorkerDirectory directory, ConsumerLag lag) {
        this.dispatches = config.role().dispatches();
        this.heartbeats = heartbeats;
        this.directory = directory;
        this.lag = lag;
    }

    /** Once the lanes run: heartbeats count their tasks. */
    public void start() {
        heartbeats.start();
        if (dispatches) {
            directory.start();
        }
    }

    /** After the lanes drained (the last heartbeat counts their last tasks), before the producer closes. */
    public void stop() {
        heartbeats.stop();
        directory.stop();
        lag.close();
    }

    /** Every process heard from lately; none in a process that does not dispatch. */
    public List<ProcessStatus> processes() {
        return directory.processes();
    }

    /** Each lane's consumer lag per partition; none in a process that does not dispatch. */
    public List<PartitionLag> lag() {
        return lag.lag();
    }
}
