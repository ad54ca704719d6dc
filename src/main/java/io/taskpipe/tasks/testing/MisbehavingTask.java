package io.taskpipe.tasks.testing;

import io.taskpipe.config.TaskpipeConfig;
import io.taskpipe.tasks.Lane;
import io.taskpipe.tasks.TaskHandler;

/**
 * What the {@code test.*} task types share: they misbehave on purpose, so they exist only with
 * {@code taskpipe.tasks.test-types-enabled=true}; they run on the CPU lane and take no parameters.
 */
abstract class MisbehavingTask implements TaskHandler<MisbehavingTask.NoParams> {

    public record NoParams() {
    }

    private final String type;
    private final boolean enabled;

    MisbehavingTask(String type, TaskpipeConfig config) {
        this.type = type;
        this.enabled = config.tasks().testTypesEnabled();
    }

    @Override
    public String type() {
        return type;
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
    public Class<NoParams> paramsType() {
        return NoParams.class;
    }
}
