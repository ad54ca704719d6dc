package io.taskpipe.tasks.testing;

import io.taskpipe.config.TaskpipeConfig;
import io.taskpipe.tasks.TaskContext;
import jakarta.inject.Singleton;

/**
 * {@code test.spin}: computes forever and ignores cancellation, as a buggy or hostile computation
 * would. Exists so tests can prove such a task still ends {@code TIMED_OUT} (after
 * {@code taskpipe.tasks.cancel-grace}) and its lane recovers.
 */
@Singleton // not normal-scoped: a client proxy would need a no-args constructor
public class SpinTask extends MisbehavingTask {

    public SpinTask(TaskpipeConfig config) {
        super("test.spin", config);
    }

    @Override
    public Object run(NoParams params, TaskContext context) {
        long x = 0;
        while (x >= 0) { // never checks its deadline nor its interrupt flag
            x = (x * 31 + 7) & Long.MAX_VALUE;
        }
        return x;
    }
}
