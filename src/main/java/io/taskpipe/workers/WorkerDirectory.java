package io.taskpipe.workers;

import io.taskpipe.config.TaskpipeConfig;
import io.taskpipe.kafka.KafkaClients;
import io.taskpipe.kafka.TopicFollower;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Every process of the pipeline (dispatchers, all-in-ones, cpu-workers in any pod) as its heartbeats on
 * {@code taskpipe.topics.workers} show it, for a dispatcher's dashboard. It follows that topic without a
 * consumer group ({@link TopicFollower}), from {@link #LOOK_BACK} back so that it knows the pipeline, rates
 * included, from its first second. While the broker is away, the list shows everyone lost until heartbeats
 * arrive again.
 */
@ApplicationScoped
public class WorkerDirectory {

    /** How far back reading starts: a few heartbeats of every live process, and the last of those that just went. */
    static final Duration LOOK_BACK = Duration.ofSeconds(30);

    private final ProcessTable table = new ProcessTable();
    private final TopicFollower follower;

    public WorkerDirectory(TaskpipeConfig config, KafkaClients clients) {
        this.follower = new TopicFollower(() -> clients.newGroupless("taskpipe-worker-directory"), config.topics().workers(), LOOK_BACK,
                record -> table.accept(record, Instant.now()));
    }

    /** The processes heard from in the last minute or so, by role then id; empty where the directory was not started. */
    public List<ProcessStatus> processes() {
        return table.processes(Instant.now());
    }

    /** Starts reading heartbeats (a dispatching process does, after its lanes started). */
    public void start() {
        follower.start("taskpipe-worker-directory");
    }

    /** Stops reading and closes the consumer; before the process's Kafka clients close. */
    public void stop() {
        follower.stop();
    }
}
