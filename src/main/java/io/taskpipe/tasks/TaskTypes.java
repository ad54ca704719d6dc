package io.taskpipe.tasks;

import io.taskpipe.config.TaskpipeConfig;
import io.taskpipe.contract.Lane;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** All task types by name, and the lane each one runs on after configuration overrides. */
@ApplicationScoped
public class TaskTypes {

    private final Map<String, TaskHandler<?>> handlers = new TreeMap<>();
    private final Map<String, Lane> routing;

    @Inject
    public TaskTypes(Instance<TaskHandler<?>> handlers, TaskpipeConfig config) {
        this(handlers.stream().toList(), config.routing());
    }

    public TaskTypes(Collection<? extends TaskHandler<?>> handlers, Map<String, Lane> routing) {
        for (TaskHandler<?> handler : handlers) {
            if (!handler.enabled()) {
                continue;
            }
            if (this.handlers.put(handler.type(), handler) != null) {
                throw new IllegalStateException("two handlers for task type " + handler.type());
            }
        }
        for (String type : routing.keySet()) {
            if (!this.handlers.containsKey(type)) {
                throw new IllegalArgumentException("taskpipe.routing names unknown task type '" + type
                        + "'; known types: " + this.handlers.keySet());
            }
        }
        this.routing = Map.copyOf(routing);
    }

    public Optional<TaskHandler<?>> find(String type) {
        return Optional.ofNullable(handlers.get(type));
    }

    public Lane laneOf(TaskHandler<?> handler) {
        return routing.getOrDefault(handler.type(), handler.lane());
    }

    public Collection<String> names() {
        return handlers.keySet();
    }
}
