package io.taskpipe.tasks;

/**
 * One task type. Implementations are CDI beans; {@link TaskTypes} finds them.
 *
 * @param <P> the params record, bound from the task's {@code params} and checked with Bean Validation
 */
public interface TaskHandler<P> {

    /** The {@code type} of tasks this handles, e.g. {@code file.hash}. */
    String type();

    /** The lane this type runs on unless configuration routes it elsewhere. */
    Lane lane();

    Class<P> paramsType();

    /** Whether this type is offered at all (a disabled type is unknown to intake). */
    default boolean enabled() {
        return true;
    }

    /**
     * Checks params beyond their Bean Validation constraints, at intake, before the task is accepted.
     *
     * @throws TaskFailure with {@code INVALID_PARAMS} naming the field
     */
    default void check(P params) {
    }

    /**
     * Runs one task and returns its output (a record, serialized as the result's {@code output}).
     * Long loops call {@link TaskContext#checkDeadline()}; blocking calls must answer interruption.
     *
     * @throws TaskFailure for an expected failure with a stable code
     */
    Object run(P params, TaskContext context) throws Exception;
}
