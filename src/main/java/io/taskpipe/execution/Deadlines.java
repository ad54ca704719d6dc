package io.taskpipe.execution;

import io.taskpipe.contract.Task;

import java.time.Duration;
import java.util.Map;

/**
 * How long a task may run: its {@code timeoutMs}, else the default; never more than its type's cap
 * nor the global cap. {@code cancelGrace} is how long it may ignore its cancellation after that.
 */
public record Deadlines(Duration defaultTimeout, Duration maxTimeout, Map<String, Duration> maxTimeouts, Duration cancelGrace) {

    Duration of(Task task) {
        Duration wanted = task.timeoutMs() == null ? defaultTimeout : Duration.ofMillis(task.timeoutMs());
        Duration cap = maxTimeouts.getOrDefault(task.type(), maxTimeout);
        cap = cap.compareTo(maxTimeout) < 0 ? cap : maxTimeout;
        return wanted.compareTo(cap) > 0 ? cap : wanted;
    }
}
