package io.taskpipe.config;

/** How cpu-workers share the CPU topic's records (docs/reliability.md compares the two). */
public enum CpuDelivery {
    /**
     * A consumer group: each partition is one worker's, so workers beyond the partition count idle; keys
     * keep their order; starts are recorded in the group's commits to charge crashes.
     */
    GROUP,
    /**
     * A share group (KIP-932, Kafka 4.2 or later): every worker takes records from every partition, each
     * record locked while a worker holds it and acknowledged on its own; the broker counts deliveries to
     * charge crashes. No order, so only with ordering {@code NONE}.
     */
    SHARE
}
