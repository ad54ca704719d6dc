package io.taskpipe.tasks.testing;

import io.taskpipe.config.TaskpipeConfig;
import io.taskpipe.tasks.TaskContext;
import jakarta.inject.Singleton;

/**
 * {@code test.error}: throws an {@link Error}, not an exception, as a task that hits a linkage problem or
 * a failed assertion would. Exists so tests can prove such a task still ends, as {@code EXECUTION_ERROR}.
 */
@Singleton // not normal-scoped: a client proxy would need a no-args constructor
public class ErrorTask extends MisbehavingTask {

    public ErrorTask(TaskpipeConfig config) {
        super("test.error", config);
    }

    @Override
    public Object run(NoParams params, TaskContext context) {
        throw new InternalError("test.error throws an Error");
    }
}
