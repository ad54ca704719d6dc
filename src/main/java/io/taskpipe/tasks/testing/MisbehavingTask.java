package io.taskpipe.tasks.testing;

import io.taskpipe.config.TaskpipeConfig;
import io.taskpipe.contract.Lane;
import io.taskpipe.tasks.TaskHandler;

/**
 * What the {@code test.*} task types share: they misbehave on purpose, so they exist only with
 * {@code taskpipe.tasks.test-types-enabled=true}; they run on the CPU lane and take no parameters.
 */
abstract class MisbehavingTask extends TaskHandler<MisbehavingTask.NoParams> {

    public record NoParams() {
    }

    private final boolean enabled;

    MisbehavingTask(String type, TaskpipeConfig config) {
        super(type, Lane.CPU, NoParams.class);
        this.enabled = config.tasks().testTypesEnabled();
    }

    @Override
    public boolean enabled() {
        return enabled;
    }
}
