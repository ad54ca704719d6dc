package io.taskpipe.config;

import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;

import java.util.OptionalInt;

/** taskpipe's topics, and how it creates the missing ones. */
public interface TopicsConfig {

    /** Topic other systems publish tasks to. */
    @WithDefault("taskpipe.tasks")
    @NotBlank
    String tasks();

    /** Topic the dispatcher forwards CPU tasks to and cpu-workers consume. */
    @WithDefault("taskpipe.tasks.cpu")
    @NotBlank
    String cpuTasks();

    /** Topic of result records. */
    @WithDefault("taskpipe.results")
    @NotBlank
    String results();

    /** Topic of dead letters. */
    @WithDefault("taskpipe.dlq")
    @NotBlank
    String dlq();

    /**
     * Topic of the processes' heartbeats (1 partition, kept an hour when taskpipe creates it): every process
     * publishes its own, and dispatchers read them all to list the processes of the pipeline.
     */
    @WithDefault("taskpipe.workers")
    @NotBlank
    String workers();

    /** Whether a starting process creates missing topics. */
    @WithDefault("true")
    boolean create();

    /** Partitions of the tasks, CPU-tasks and results topics taskpipe creates. */
    @WithDefault("8")
    @Min(1)
    int partitions();

    /**
     * Replicas of each topic taskpipe creates. Default: 3, or the number of brokers when fewer (1 on the
     * embedded broker).
     */
    OptionalInt replicationFactor();

    /**
     * {@code min.insync.replicas} of the topics taskpipe creates: with {@code acks=all}, how many replicas
     * hold a record before the broker acknowledges it. Default: one less than the replication factor, at least 1.
     */
    OptionalInt minInsyncReplicas();
}
