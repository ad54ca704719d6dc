package io.taskpipe.intake;

import io.taskpipe.contract.Rejection;
import io.taskpipe.contract.Task;
import io.taskpipe.tasks.TaskContext;
import io.taskpipe.tasks.TaskHandler;

/** What intake made of one record: a task ready to run, or the reason it cannot run. */
public sealed interface Decoded {

    /**
     * A valid task; {@code task.key()} is the resolved ordering key.
     *
     * @param params the task's params bound to the handler's params record
     */
    record Accepted(Task task, TaskHandler<?> handler, Object params) implements Decoded {

        /** Runs the task with its handler: its params were bound to the handler's params record, so the cast holds. */
        @SuppressWarnings("unchecked")
        public Object run(TaskContext context) throws Exception {
            return ((TaskHandler<Object>) handler).run(params, context);
        }
    }

    /** An invalid record, and why. */
    record Rejected(Rejection rejection) implements Decoded {
    }
}
