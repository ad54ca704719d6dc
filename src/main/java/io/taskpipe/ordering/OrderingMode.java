package io.taskpipe.ordering;

import java.util.function.Function;

/**
 * Which tasks of a lane must run one after another. The same three modes as Confluent's Parallel
 * Consumer; see the README's "Ordering guarantees".
 */
public enum OrderingMode {
    /** Tasks of one key run serially in record order; different keys run in parallel. */
    KEY(OrderedScheduler.Job::key),
    /** Tasks of one partition run serially in offset order. */
    PARTITION(OrderedScheduler.Job::partition),
    /** Every task runs as soon as a slot is free. */
    NONE(Alone::new);

    private final Function<OrderedScheduler.Job, Object> line;

    OrderingMode(Function<OrderedScheduler.Job, Object> line) {
        this.line = line;
    }

    /** A line of one job: identity, whatever the job's own equals says. */
    private record Alone(OrderedScheduler.Job job) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Alone alone && alone.job == job;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(job);
        }
    }

    /** The line a job queues in: jobs of one line run one at a time, in submission order. */
    Object lineOf(OrderedScheduler.Job job) {
        return line.apply(job);
    }
}
