package io.taskpipe.tasks.testing;

import io.taskpipe.config.TaskpipeConfig;
import io.taskpipe.contract.ErrorCode;
import io.taskpipe.tasks.TaskContext;
import io.taskpipe.tasks.TaskFailure;
import jakarta.inject.Singleton;

/**
 * {@code test.flaky}: fails transiently every time, as a task whose server is down would. Exists so tests
 * can keep tasks in retry backoff (a worker holding tasks between attempts) while faults strike.
 */
@Singleton // not normal-scoped: a client proxy would need a no-args constructor
public class FlakyTask extends MisbehavingTask {

    public FlakyTask(TaskpipeConfig config) {
        super("test.flaky", config);
    }

    @Override
    public Object run(NoParams params, TaskContext context) {
        throw TaskFailure.transientFailure(ErrorCode.UNAVAILABLE, "test.flaky fails transiently, every time", null);
    }
}
