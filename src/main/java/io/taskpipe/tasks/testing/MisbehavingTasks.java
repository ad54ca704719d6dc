package io.taskpipe.tasks.testing;

import io.taskpipe.config.TaskpipeConfig;
import io.taskpipe.contract.ErrorCode;
import io.taskpipe.tasks.TaskFailure;
import io.taskpipe.tasks.TaskHandler;
import io.taskpipe.tasks.testing.MisbehavingTask.NoParams;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * The {@code test.*} task types, which misbehave on purpose so that reliability tests can prove a
 * pipeline survives them. They exist only with {@code taskpipe.tasks.test-types-enabled=true}.
 */
@ApplicationScoped
public class MisbehavingTasks {

    private static final Logger LOG = Logger.getLogger(MisbehavingTasks.class);

    private final boolean enabled;

    public MisbehavingTasks(TaskpipeConfig config) {
        this.enabled = config.tasks().testTypesEnabled();
    }

    /**
     * {@code test.crash}: halts the process that runs it, at once, as an out-of-memory kill or SIGKILL would:
     * no shutdown hooks, no commits. Such a task must be given up on after {@code taskpipe.lanes.max-deliveries}
     * instead of crashing workers forever.
     */
    @Produces
    @Singleton
    TaskHandler<NoParams> crash() {
        return new MisbehavingTask("test.crash", enabled, context -> {
            LOG.warn("test.crash: halting this process");
            Runtime.getRuntime().halt(137);
            throw new IllegalStateException("unreachable");
        });
    }

    /**
     * {@code test.spin}: computes forever and ignores cancellation, as a buggy or hostile computation would.
     * Such a task must still end {@code TIMED_OUT} (after {@code taskpipe.tasks.cancel-grace}), and its lane recover.
     */
    @Produces
    @Singleton
    TaskHandler<NoParams> spin() {
        return new MisbehavingTask("test.spin", enabled, context -> {
            long x = 0;
            while (x >= 0) { // never checks its deadline nor its interrupt flag
                x = (x * 31 + 7) & Long.MAX_VALUE;
            }
            return x;
        });
    }

    /** {@code test.flaky}: fails transiently every time, as a task whose server is down would: it keeps tasks in retry backoff. */
    @Produces
    @Singleton
    TaskHandler<NoParams> flaky() {
        return new MisbehavingTask("test.flaky", enabled, context -> {
            throw TaskFailure.transientFailure(ErrorCode.UNAVAILABLE, "test.flaky fails transiently, every time", null);
        });
    }

    /** {@code test.error}: throws an {@link Error}, not an exception, as a linkage problem would; it must end as {@code EXECUTION_ERROR}. */
    @Produces
    @Singleton
    TaskHandler<NoParams> error() {
        return new MisbehavingTask("test.error", enabled, context -> {
            throw new InternalError("test.error throws an Error");
        });
    }
}
