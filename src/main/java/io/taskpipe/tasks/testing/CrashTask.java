package io.taskpipe.tasks.testing;

import io.taskpipe.config.TaskpipeConfig;
import io.taskpipe.tasks.TaskContext;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * {@code test.crash}: halts the process that runs it, at once, as an out-of-memory kill or SIGKILL
 * would: no shutdown hooks, no commits. Exists only so reliability tests can prove that such a task
 * is given up on after {@code taskpipe.lanes.max-deliveries} instead of crashing workers forever.
 */
@Singleton // not normal-scoped: a client proxy would need a no-args constructor
public class CrashTask extends MisbehavingTask {

    private static final Logger LOG = Logger.getLogger(CrashTask.class);

    public CrashTask(TaskpipeConfig config) {
        super("test.crash", config);
    }

    @Override
    public Object run(NoParams params, TaskContext context) {
        LOG.warn("test.crash: halting this process");
        Runtime.getRuntime().halt(137);
        throw new IllegalStateException("unreachable");
    }
}
