package io.taskpipe.tasks.testing;

import io.taskpipe.config.TaskpipeConfig;
import io.taskpipe.tasks.Lane;
import io.taskpipe.tasks.TaskContext;
import io.taskpipe.tasks.TaskHandler;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code test.spin}: computes forever and ignores cancellation, as a buggy or hostile computation
 * would. Exists so tests can prove such a task still ends {@code TIMED_OUT} (after
 * {@code taskpipe.tasks.cancel-grace}) and its lane recovers; unknown unless
 * {@code taskpipe.tasks.test-types-enabled=true}.
 */
@ApplicationScoped
public class SpinTask implements TaskHandler<SpinTask.Params> {

    public record Params() {
    }

    private final boolean enabled;

    public SpinTask(TaskpipeConfig config) {
        this.enabled = config.tasks().testTypesEnabled();
    }

    @Override
    public String type() {
        return "test.spin";
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
        long x = 0;
        while (x >= 0) { // never checks its deadline nor its interrupt flag
            x = (x * 31 + 7) & Long.MAX_VALUE;
        }
        return x;
    }
}
