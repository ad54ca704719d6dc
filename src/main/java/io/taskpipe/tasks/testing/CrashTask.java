package io.taskpipe.tasks.testing;

import io.taskpipe.config.TaskpipeConfig;
import io.taskpipe.tasks.Lane;
import io.taskpipe.tasks.TaskContext;
import io.taskpipe.tasks.TaskHandler;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * {@code test.crash}: halts the process that runs it, at once, as an out-of-memory kill or SIGKILL
 * would: no shutdown hooks, no commits. Exists only so reliability tests can prove that such a task
 * is given up on after {@code taskpipe.lanes.max-deliveries} instead of crashing workers forever;
 * unknown unless {@code taskpipe.tasks.test-types-enabled=true}.
 */
@ApplicationScoped
public class CrashTask implements TaskHandler<CrashTask.Params> {

    private static final Logger LOG = Logger.getLogger(CrashTask.class);

    public record Params() {
    }

    private final boolean enabled;

    public CrashTask(TaskpipeConfig config) {
        this.enabled = config.tasks().testTypesEnabled();
    }

    @Override
    public String type() {
        return "test.crash";
    }

    @Override
    public Lane lane() {
        return Lane.CPU;
    }

    @Override
    public boolean enabled() {
        return enabled;
    }

    @Override
    public Class<Params> paramsType() {
        return Params.class;
    }

    @Override
    public Object run(Params params, TaskContext context) {
        LOG.warn("test.crash: halting this process");
        Runtime.getRuntime().halt(137);
        throw new IllegalStateException("unreachable");
    }
}
