package io.taskpipe.tasks;

import io.taskpipe.contract.Lane;

import java.util.Optional;

/**
 * One task type: its name, the lane it declares, its params record, and how to run it. Subclasses are
 * {@code @Singleton} CDI beans (stateless, so no client proxy); {@link TaskTypes} finds them.
 *
 * @param <P> the params record, bound from the task's {@code params} and checked with Bean Validation
 */
public abstract class TaskHandler<P> {

    private final String type;
    private final Lane lane;
    private final Class<P> paramsType;

    /**
     * @param type       the {@code type} of tasks this handles, e.g. {@code file.hash}
     * @param lane       the lane this type runs on unless configuration routes it elsewhere
     * @param paramsType the record its {@code params} bind to
     */
    protected TaskHandler(String type, Lane lane, Class<P> paramsType) {
        this.type = type;
        this.lane = lane;
        this.paramsType = paramsType;
    }

    public final String type() {
        return type;
    }

    public final Lane lane() {
        return lane;
    }

    public final Class<P> paramsType() {
        return paramsType;
    }

    /** Whether this type is offered at all (a disabled type is unknown to intake). */
    public boolean enabled() {
        return true;
    }

    /**
     * Params of a small run that goes through this type's code, for a cpu-worker to compile that code
     * before it takes partitions; empty when a run needs what a warm-up cannot give (a file, a server).
     */
    public Optional<P> sample() {
        return Optional.empty();
    }

    /**
     * Checks params beyond their Bean Validation constraints, at intake, before the task is accepted.
     *
     * @throws TaskFailure with {@code INVALID_PARAMS} naming the field
     */
    public void check(P params) {
    }

    /**
     * Runs one task and returns its output (a record, serialized as the result's {@code output}).
     * Long loops call {@link TaskContext#checkDeadline()}; blocking calls must answer interruption.
     *
     * @throws TaskFailure for an expected failure with a stable code
     */
    public abstract Object run(P params, TaskContext context) throws Exception;
}
