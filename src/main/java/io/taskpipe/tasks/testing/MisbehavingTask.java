package io.taskpipe.tasks.testing;

import io.taskpipe.contract.Lane;
import io.taskpipe.tasks.TaskContext;
import io.taskpipe.tasks.TaskHandler;

/** A {@code test.*} task type: runs on the CPU lane, takes no parameters, and does what its behaviour does. */
final class MisbehavingTask extends TaskHandler<MisbehavingTask.NoParams> {

    public record NoParams() {
    }

    /** What the task does instead of useful work. */
    @FunctionalInterface
    interface Behaviour {
        Object run(TaskContext context) throws Exception;
    }

    private final boolean enabled;
    private final Behaviour behaviour;

    MisbehavingTask(String type, boolean enabled, Behaviour behaviour) {
        super(type, Lane.CPU, NoParams.class);
        this.enabled = enabled;
        this.behaviour = behaviour;
    }

    @Override
    public boolean enabled() {
        return enabled;
    }

    @Override
    public Object run(NoParams params, TaskContext context) throws Exception {
        return behaviour.run(context);
    }
}
