package io.taskpipe.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskpipe.config.TopicsConfig;
import io.taskpipe.config.TaskpipeConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What must hold across {@code compose/}: its taskpipe services (those running the taskpipe image) use
 * known environment variables, one dispatcher and one cpu-worker role, a bootstrap address the broker
 * advertises, topics the topics service creates with the partitions the app would give them, a stop
 * grace that outlasts the drain, which outlasts the longest task; the cpu-worker has a CPU limit (its
 * slots); Prometheus scrapes both roles and the dashboard's lag panels name the app's consumer groups.
 */
final class ComposeInvariants {

    private final JsonNode compose;
    private final EnvNames envNames = EnvNames.known();
    private final List<String> findings = new ArrayList<>();

    private ComposeInvariants(JsonNode compose) {
        this.compose = compose;
    }

    /** The broken invariants of a compose file, its Prometheus configuration and its dashboard; empty when all hold. */
    static List<String> check(JsonNode compose, JsonNode prometheus, String dashboard) {
        ComposeInvariants check = new ComposeInvariants(compose);
        Map<String, AppSettings> roles = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = compose.path("services").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> service = it.next();
            if (service.getValue().path("image").asText("").startsWith("taskpipe:")) {
                AppSettings app = check.service(service.getKey(), service.getValue());
                roles.put(service.getKey(), app);
            }
        }
        for (String role : List.of("dispatcher", "cpu-worker")) {
            AppSettings app = roles.get(role);
            if (app == null || !app.role().name().equals(role.toUpperCase().replace('-', '_'))) {
                check.findings.add("no taskpipe service " + role + " running the " + role + " profile");
                continue;
            }
            check.scraped(role, prometheus);
            if (!dashboard.contains("consumergroup=\\\"" + app.group() + "\\\"")) {
                check.findings.add("the dashboard shows no lag of consumer group " + app.group() + " (" + role + ")");
            }
        }
        return check.findings;
    }

    private AppSettings service(String name, JsonNode service) {
        Map<String, String> env = new LinkedHashMap<>();
        service.path("environment").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        env.keySet().stream().filter(v -> !envNames.isKnown(v))
                .forEach(v -> findings.add("service " + name + ": environment variable " + v + " maps to no configuration key"));
        AppSettings app = AppSettings.of(env);
        bootstrap(name, app);
        topics(name, app);
        Duration stop = duration(service.path("stop_grace_period").asText("10s"));
        if (app.shutdownGrace().compareTo(app.longestRun()) < 0) {
            findings.add("service " + name + ": the drain (shutdown-grace " + app.shutdownGrace().toSeconds()
                    + " s) is shorter than the longest task (" + app.longestRun().toSeconds() + " s)");
        }
        if (stop.compareTo(app.shutdownGrace().plus(KubernetesInvariants.AFTER_DRAIN)) <= 0) {
            findings.add("service " + name + ": stop_grace_period " + stop.toSeconds() + " s must exceed shutdown-grace "
                    + app.shutdownGrace().toSeconds() + " s + " + KubernetesInvariants.AFTER_DRAIN.toSeconds() + " s");
        }
        if (app.role() == TaskpipeConfig.Role.CPU_WORKER && service.path("deploy").path("resources").path("limits").path("cpus").isMissingNode()) {
            findings.add("service " + name + ": a cpu-worker needs a CPU limit (deploy.resources.limits.cpus): its slots follow it");
        }
        return app;
    }

    private void bootstrap(String name, AppSettings app) {
        String advertised = compose.path("services").path("kafka").path("environment").path("KAFKA_ADVERTISED_LISTENERS").asText("");
        String bootstrap = app.bootstrapServers().orElse("");
        if (bootstrap.isEmpty() || !advertised.contains("//" + bootstrap)) {
            findings.add("service " + name + ": KAFKA_BOOTSTRAP_SERVERS " + bootstrap + " is not a listener the kafka service advertises (" + advertised + ")");
        }
    }

    private void topics(String name, AppSettings app) {
        Map<String, Integer> created = new HashMap<>();
        for (String topic : compose.path("services").path("topics").path("environment").path("TOPICS").asText("").split("\\s+")) {
            String[] parts = topic.split(":");
            if (parts.length == 2) {
                created.put(parts[0], Integer.parseInt(parts[1]));
            }
        }
        TopicsConfig topics = app.taskpipe().topics();
        Map<String, Integer> expected = Map.of(topics.tasks(), topics.partitions(), topics.cpuTasks(), topics.partitions(),
                topics.results(), topics.partitions(), topics.dlq(), 1, topics.workers(), 1);
        expected.forEach((topic, partitions) -> {
            if (!partitions.equals(created.get(topic))) {
                findings.add("service " + name + " uses topic " + topic + " with " + partitions + " partitions; the topics service creates "
                        + (created.containsKey(topic) ? created.get(topic) + " partitions" : "no such topic"));
            }
        });
    }

    private void scraped(String service, JsonNode prometheus) {
        boolean scraped = false;
        for (JsonNode job : prometheus.path("scrape_configs")) {
            for (JsonNode sd : job.path("dns_sd_configs")) {
                for (JsonNode target : sd.path("names")) {
                    scraped |= service.equals(target.asText()) && "/q/metrics".equals(job.path("metrics_path").asText());
                }
            }
        }
        if (!scraped) {
            findings.add("Prometheus scrapes no /q/metrics of service " + service);
        }
    }

    private static Duration duration(String compose) {
        Matcher m = Pattern.compile("(\\d+)([smh])").matcher(compose);
        if (!m.matches()) {
            throw new IllegalArgumentException("unsupported duration " + compose);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }
}
