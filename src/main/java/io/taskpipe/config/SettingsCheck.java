package io.taskpipe.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What no single setting's constraint can say: settings that must agree with each other, and durations
 * that must be positive. Checked before anything starts; a process with such settings stops with every
 * problem named, instead of dead-lettering every task or spinning.
 */
public final class SettingsCheck {

    private SettingsCheck() {
    }

    /** Stops the start with every problem found, or returns. */
    public static void verify(TaskpipeConfig config) {
        verify(config, List.of());
    }

    /** The same, with the problems that parts outside this package found in their own settings (the URL guard's lists). */
    public static void verify(TaskpipeConfig config, List<String> found) {
        List<String> problems = new ArrayList<>(problems(config));
        problems.addAll(found);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("taskpipe cannot start with these settings:\n  - " + String.join("\n  - ", problems));
        }
    }

    static List<String> problems(TaskpipeConfig config) {
        List<String> problems = new ArrayList<>();
        TasksConfig tasks = config.tasks();
        positive(problems, "taskpipe.tasks.default-timeout", tasks.defaultTimeout());
        positive(problems, "taskpipe.tasks.max-timeout", tasks.maxTimeout());
        tasks.maxTimeouts().forEach((type, cap) -> positive(problems, "taskpipe.tasks.max-timeouts.\"" + type + "\"", cap));
        if (tasks.defaultTimeout().compareTo(tasks.maxTimeout()) > 0) {
            problems.add("taskpipe.tasks.default-timeout (" + tasks.defaultTimeout() + ") exceeds taskpipe.tasks.max-timeout (" + tasks.maxTimeout() + ")");
        }
        notNegative(problems, "taskpipe.tasks.cancel-grace", tasks.cancelGrace());
        LanesConfig lanes = config.lanes();
        positive(problems, "taskpipe.lanes.commit-interval", lanes.commitInterval());
        notNegative(problems, "taskpipe.lanes.shutdown-grace", lanes.shutdownGrace());
        notNegative(problems, "taskpipe.lanes.revoke-grace", lanes.revokeGrace());
        RetriesConfig retries = config.retries();
        notNegative(problems, "taskpipe.retries.initial-backoff", retries.initialBackoff());
        if (retries.maxBackoff().compareTo(retries.initialBackoff()) < 0) {
            problems.add("taskpipe.retries.max-backoff (" + retries.maxBackoff() + ") is shorter than taskpipe.retries.initial-backoff ("
                    + retries.initialBackoff() + ")");
        }
        positive(problems, "taskpipe.results.publish-timeout", config.results().publishTimeout());
        positive(problems, "taskpipe.api.publish-timeout", config.api().publishTimeout());
        positive(problems, "taskpipe.urls.connect-timeout", config.urls().connectTimeout());
        TopicsConfig topics = config.topics();
        Set<String> names = new HashSet<>(List.of(topics.tasks(), topics.cpuTasks(), topics.results(), topics.dlq()));
        if (names.size() < 4) {
            problems.add("taskpipe.topics.tasks, cpu-tasks, results and dlq must be four different topics, not " + names);
        }
        if (topics.replicationFactor().isPresent() && topics.minInsyncReplicas().isPresent()
                && topics.minInsyncReplicas().getAsInt() > topics.replicationFactor().getAsInt()) {
            problems.add("taskpipe.topics.min-insync-replicas exceeds taskpipe.topics.replication-factor: no write could be acknowledged");
        }
        topics.replicationFactor().ifPresent(n -> {
            if (n < 1) {
                problems.add("taskpipe.topics.replication-factor must be at least 1, not " + n);
            }
        });
        return problems;
    }

    private static void positive(List<String> problems, String key, Duration value) {
        if (value.isNegative() || value.isZero()) {
            problems.add(key + " must be longer than 0, not " + value);
        }
    }

    private static void notNegative(List<String> problems, String key, Duration value) {
        if (value.isNegative()) {
            problems.add(key + " must not be negative, not " + value);
        }
    }
}
