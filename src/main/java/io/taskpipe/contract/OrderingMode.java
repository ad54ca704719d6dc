package io.taskpipe.contract;

/**
 * Which tasks of a lane must run one after another; reported in every result's {@code ordering.mode}.
 * The same three modes as Confluent's Parallel Consumer (see docs/ordering-and-delivery.md).
 */
public enum OrderingMode {
    /** Tasks of one key run serially in record order; different keys run in parallel. */
    KEY,
    /** Tasks of one partition run serially in offset order. */
    PARTITION,
    /** Every task runs as soon as a slot is free. */
    NONE
}
