package io.taskpipe.intake;

import io.taskpipe.contract.Rejection;
import io.taskpipe.contract.Task;
import io.taskpipe.tasks.TaskHandler;

/** What intake made of one record: a task ready to run, or the reason it cannot run. */
public sealed interface Decoded {

    /**
     * A valid task; {@code task.key()} is the resolved ordering key.
     *
     * @param params the task's params bound to the handler's params record
     */
    record Accepted(Task task, TaskHandler<?> handler, Object params) implements Decoded {
    }

    /** An invalid record, and why. */
    record Rejected(Rejection rejection) implements Decoded {
    }
}
