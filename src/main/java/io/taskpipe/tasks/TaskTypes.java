package io.taskpipe.tasks;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** All enabled task types by name. Which lane runs each is the routing's business. */
@ApplicationScoped
public class TaskTypes {

    private final Map<String, TaskHandler<?>> handlers = new TreeMap<>();

    @Inject
    public TaskTypes(Instance<TaskHandler<?>> handlers) {
        this(handlers.stream().toList());
    }

    public TaskTypes(Collection<? extends TaskHandler<?>> handlers) {
        for (TaskHandler<?> handler : handlers) {
            if (!handler.enabled()) {
                continue;
            }
            if (this.handlers.put(handler.type(), handler) != null) {
                throw new IllegalStateException("two handlers for task type " + handler.type());
            }
        }
    }

    public Optional<TaskHandler<?>> find(String type) {
        return Optional.ofNullable(handlers.get(type));
    }

    public Collection<String> names() {
        return handlers.keySet();
    }

    public Collection<TaskHandler<?>> all() {
        return handlers.values();
    }
}
