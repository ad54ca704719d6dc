package io.taskpipe.config;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What no single setting's constraint can say: settings that must agree with each other, and durations
 * that must be positive. Checked before anything starts; a process with such settings stops with every
 * problem named, instead of dead-lettering every task or spinning.
 */
public final class SettingsCheck {

    private SettingsCheck() {
    }

    /**
     * Stops the start with every problem found, or returns; {@code found} are the problems that parts
     * outside this package found in their own settings (the URL guard's lists).
     */
    public static void verify(TaskpipeConfig config, List<String> found) {
        List<String> problems = new ArrayList<>(problems(config));
        problems.addAll(found);
        Config quarkus = ConfigProvider.getConfig();
        openApi(config, quarkus.getOptionalValue("quarkus.http.host", String.class).orElse("0.0.0.0"),
                quarkus.getOptionalValue("quarkus.oidc.tenant-enabled", Boolean.class).orElse(false)).ifPresent(problems::add);
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
        positive(problems, "taskpipe.heartbeat.interval", config.heartbeat().interval());
        TopicsConfig topics = config.topics();
        Set<String> names = new HashSet<>(List.of(topics.tasks(), topics.cpuTasks(), topics.results(), topics.dlq(), topics.workers()));
        if (names.size() < 5) {
            problems.add("taskpipe.topics.tasks, cpu-tasks, results, dlq and workers must be five different topics, not " + names);
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

    /**
     * Why the task API may not start open: without API keys anyone who reaches the port submits tasks and
     * reads every result, so only an all-in-one process on loopback (a developer's machine) may run without
     * them, unless {@code taskpipe.api.insecure} says so. A cpu-worker serves no task API.
     */
    static Optional<String> openApi(TaskpipeConfig config, String httpHost, boolean identityProvider) {
        if (!config.api().keys().isEmpty() || identityProvider || config.api().insecure() || config.role() == TaskpipeConfig.Role.CPU_WORKER) {
            return Optional.empty();
        }
        if (config.role() == TaskpipeConfig.Role.DISPATCHER) {
            return Optional.of("a dispatcher's task API needs API keys (taskpipe.api.keys.\"<name>\".sha256 and .roles, see docs/security.md)"
                    + " or an identity provider (quarkus.oidc.tenant-enabled, quarkus.oidc.auth-server-url)"
                    + ", or taskpipe.api.insecure=true to let anyone who reaches port 8080 submit tasks and read every result");
        }
        if (!loopback(httpHost)) {
            return Optional.of("quarkus.http.host=" + httpHost + " opens the task API beyond this machine: set API keys"
                    + " (taskpipe.api.keys.\"<name>\".sha256 and .roles, see docs/security.md), or taskpipe.api.insecure=true");
        }
        return Optional.empty();
    }

    private static boolean loopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
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
