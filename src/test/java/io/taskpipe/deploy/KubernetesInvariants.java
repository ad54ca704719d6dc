package io.taskpipe.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskpipe.acl.KafkaAcls;
import io.taskpipe.config.CpuDelivery;
import io.taskpipe.config.TaskpipeConfig;
import io.taskpipe.config.TopicsConfig;
import io.taskpipe.lanes.ShareBacklog;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.taskpipe.deploy.Manifests.named;
import static io.taskpipe.deploy.Manifests.ofKind;

/**
 * What must hold across the files of a rendered Kubernetes overlay, each finding a sentence naming the
 * resource. The app's side is always its resolved configuration ({@link AppSettings}), never a copy.
 * <ul>
 *   <li>every Deployment: startup, readiness and liveness probes on {@code /q/health/started|ready|live},
 *       CPU and memory requests and limits, known environment variables, and a termination grace that
 *       outlasts the drain, which outlasts the longest task;</li>
 *   <li>cpu-workers: requests = limits and no fixed slot count, so slots follow the CPU limit;</li>
 *   <li>every Deployment covered by exactly one PodDisruptionBudget whose selector matches its pods;</li>
 *   <li>every Deployment scaled by a ScaledObject whose Kafka trigger names the group, topic and brokers the
 *       pods use, with {@code maxReplicaCount} at most the topic's partitions; cpu-workers of a share group
 *       instead on the dispatchers' backlog gauge, read from their Service with an API key;</li>
 *   <li>where KafkaTopics are declared: one for every topic the app uses, and the app does not create topics;</li>
 *   <li>where KafkaUsers are declared: one per role with exactly the ACLs of {@code KafkaAcls}, each Deployment
 *       and KEDA connecting as its role's user ({@link KafkaUserInvariants}).</li>
 * </ul>
 */
final class KubernetesInvariants {

    /** Time after the drain for the poll loop to commit and the producer to flush (10 s each, see Lanes and KafkaClients). */
    static final Duration AFTER_DRAIN = Duration.ofSeconds(20);

    /** The broker's default {@code group.share.max.size}: members a share group may have. */
    static final int SHARE_GROUP_MAX_SIZE = 200;

    private final List<JsonNode> documents;
    private final EnvNames envNames = EnvNames.known();
    private final List<String> findings = new ArrayList<>();

    private KubernetesInvariants(List<JsonNode> documents) {
        this.documents = documents;
    }

    /** The broken invariants of a rendered overlay; empty when all hold. */
    static List<String> check(List<JsonNode> documents) {
        KubernetesInvariants check = new KubernetesInvariants(documents);
        List<JsonNode> deployments = ofKind(documents, "Deployment");
        if (deployments.isEmpty()) {
            check.findings.add("no Deployment rendered");
        }
        for (JsonNode deployment : deployments) {
            check.deployment(deployment);
        }
        check.budgetsSelectPods();
        if (!deployments.isEmpty()) {
            AppSettings app = AppSettings.of(check.env(deployments.get(0).path("spec").path("template").path("spec").path("containers").path(0)));
            check.topics(app);
            check.findings.addAll(KafkaUserInvariants.users(documents, KafkaAcls.Names.of(app.taskpipe())));
        }
        return check.findings;
    }

    private void deployment(JsonNode deployment) {
        String name = deployment.path("metadata").path("name").asText();
        JsonNode pod = deployment.path("spec").path("template");
        JsonNode container = pod.path("spec").path("containers").path(0);
        Map<String, String> env = env(container);
        for (String variable : env.keySet()) {
            if (!envNames.isKnown(variable)) {
                findings.add("Deployment " + name + ": environment variable " + variable + " maps to no configuration key");
            }
        }
        AppSettings app = AppSettings.of(env);
        probes(name, container);
        resources(name, container, app);
        termination(name, pod, app);
        disruptionBudget(name, pod.path("metadata").path("labels"));
        scaledObject(name, app);
        findings.addAll(KafkaUserInvariants.credentials(documents, name, container, app.role()));
    }

    private void probes(String name, JsonNode container) {
        Map<String, String> expected = Map.of("startupProbe", "/q/health/started", "readinessProbe", "/q/health/ready",
                "livenessProbe", "/q/health/live");
        expected.forEach((probe, path) -> {
            String actual = container.path(probe).path("httpGet").path("path").asText(null);
            if (!path.equals(actual)) {
                findings.add("Deployment " + name + ": " + probe + " must be an HTTP GET of " + path + ", is " + actual);
            }
        });
    }

    private void resources(String name, JsonNode container, AppSettings app) {
        JsonNode resources = container.path("resources");
        for (String bound : List.of("requests", "limits")) {
            for (String resource : List.of("cpu", "memory")) {
                if (resources.path(bound).path(resource).isMissingNode()) {
                    findings.add("Deployment " + name + ": no " + resource + " in resources." + bound);
                }
            }
        }
        if (app.role() == TaskpipeConfig.Role.CPU_WORKER) {
            if (!resources.path("requests").equals(resources.path("limits"))) {
                findings.add("Deployment " + name + ": a cpu-worker's requests must equal its limits (slots = the CPU it is sure to get), are "
                        + resources.path("requests") + " and " + resources.path("limits"));
            }
            if (app.taskpipe().lanes().cpu().slots().isPresent()) {
                findings.add("Deployment " + name + ": TASKPIPE_LANES_CPU_SLOTS is set; slots must follow the CPU limit");
            }
        }
    }

    private void termination(String name, JsonNode pod, AppSettings app) {
        Duration grace = Duration.ofSeconds(pod.path("spec").path("terminationGracePeriodSeconds").asLong(30));
        if (app.shutdownGrace().compareTo(app.longestRun()) < 0) {
            findings.add("Deployment " + name + ": the drain (shutdown-grace " + app.shutdownGrace().toSeconds() + " s) is shorter than the longest task ("
                    + app.longestRun().toSeconds() + " s = max-timeout + cancel-grace)");
        }
        if (grace.compareTo(app.shutdownGrace().plus(AFTER_DRAIN)) <= 0) {
            findings.add("Deployment " + name + ": terminationGracePeriodSeconds " + grace.toSeconds() + " must exceed shutdown-grace "
                    + app.shutdownGrace().toSeconds() + " s + " + AFTER_DRAIN.toSeconds() + " s to commit and flush");
        }
    }

    private void disruptionBudget(String name, JsonNode podLabels) {
        long covering = ofKind(documents, "PodDisruptionBudget").stream()
                .filter(pdb -> matches(pdb.path("spec").path("selector").path("matchLabels"), podLabels)).count();
        if (covering != 1) {
            findings.add("Deployment " + name + ": " + covering + " PodDisruptionBudgets select its pods, expected 1");
        }
    }

    private void budgetsSelectPods() {
        for (JsonNode pdb : ofKind(documents, "PodDisruptionBudget")) {
            boolean selectsPods = ofKind(documents, "Deployment").stream().anyMatch(d ->
                    matches(pdb.path("spec").path("selector").path("matchLabels"), d.path("spec").path("template").path("metadata").path("labels")));
            if (!selectsPods) {
                findings.add("PodDisruptionBudget " + pdb.path("metadata").path("name").asText() + " selects no Deployment's pods");
            }
        }
    }

    private void scaledObject(String name, AppSettings app) {
        List<JsonNode> scalers = ofKind(documents, "ScaledObject").stream()
                .filter(s -> name.equals(s.path("spec").path("scaleTargetRef").path("name").asText())).toList();
        if (scalers.size() != 1) {
            findings.add("Deployment " + name + ": " + scalers.size() + " ScaledObjects scale it, expected 1");
            return;
        }
        JsonNode spec = scalers.get(0).path("spec");
        String where = "ScaledObject of " + name + ": ";
        if (app.role() == TaskpipeConfig.Role.CPU_WORKER && app.taskpipe().lanes().cpu().delivery() == CpuDelivery.SHARE) {
            shareBacklogTrigger(where, spec);
            return;
        }
        JsonNode kafka = spec.path("triggers").path(0).path("metadata");
        expect(where + "consumerGroup", kafka.path("consumerGroup").asText(null), app.group());
        expect(where + "topic", kafka.path("topic").asText(null), app.topic());
        expect(where + "bootstrapServers", kafka.path("bootstrapServers").asText(null), app.bootstrapServers().orElse(null));
        expect(where + "offsetResetPolicy", kafka.path("offsetResetPolicy").asText(null), "earliest");
        if (!kafka.path("lagThreshold").asText("").matches("[1-9][0-9]*")) {
            findings.add(where + "lagThreshold must be a positive whole number, is " + kafka.path("lagThreshold"));
        }
        int partitions = partitions(app.topic(), app);
        int max = spec.path("maxReplicaCount").asInt(100); // KEDA's default
        if (max > partitions) {
            findings.add(where + "maxReplicaCount " + max + " exceeds the " + partitions + " partitions of " + app.topic());
        }
    }

    /**
     * cpu-workers of a share group: scaled on the dispatchers' backlog gauge, read over HTTP from their Service
     * with an API key, since a share group has no consumer-group lag; any number of them share the partitions,
     * up to the broker's default limit of members in a share group.
     */
    private void shareBacklogTrigger(String where, JsonNode spec) {
        JsonNode trigger = spec.path("triggers").path(0);
        JsonNode metadata = trigger.path("metadata");
        JsonNode service = ofKind(documents, "Service").stream().filter(s -> "dispatcher".equals(
                s.path("spec").path("selector").path("app.kubernetes.io/component").asText())).findFirst().orElse(null);
        if (service == null) {
            findings.add(where + "no Service selects the dispatchers, whose metrics it reads");
            return;
        }
        int port = service.path("spec").path("ports").path(0).path("port").asInt(80);
        String url = "http://%s.%s.svc%s/q/metrics".formatted(service.path("metadata").path("name").asText(),
                service.path("metadata").path("namespace").asText(), port == 80 ? "" : ":" + port);
        expect(where + "trigger type", trigger.path("type").asText(null), "metrics-api");
        expect(where + "url", metadata.path("url").asText(null), url);
        expect(where + "format", metadata.path("format").asText(null), "prometheus");
        expect(where + "valueLocation", metadata.path("valueLocation").asText(null), ShareBacklog.GAUGE.replace('.', '_'));
        expect(where + "authMode", metadata.path("authMode").asText(null), "bearer");
        if (!metadata.path("targetValue").asText("").matches("[1-9][0-9]*")) {
            findings.add(where + "targetValue must be a positive whole number, is " + metadata.path("targetValue"));
        }
        String authentication = trigger.path("authenticationRef").path("name").asText(null);
        if (ofKind(documents, "TriggerAuthentication").stream().noneMatch(a -> a.path("metadata").path("name").asText().equals(authentication))) {
            findings.add(where + "its authenticationRef " + authentication + " names no TriggerAuthentication");
        }
        if (spec.path("maxReplicaCount").asInt(100) > SHARE_GROUP_MAX_SIZE) {
            findings.add(where + "maxReplicaCount " + spec.path("maxReplicaCount").asInt(100) + " exceeds the " + SHARE_GROUP_MAX_SIZE
                    + " members a share group may have (group.share.max.size)");
        }
    }

    /** The partitions of a topic: its KafkaTopic's where one is declared, else what the app creates it with. */
    private int partitions(String topic, AppSettings app) {
        return ofKind(documents, "KafkaTopic").stream()
                .filter(t -> topic.equals(t.path("spec").path("topicName").asText(t.path("metadata").path("name").asText())))
                .map(t -> t.path("spec").path("partitions").asInt())
                .findFirst().orElse(app.taskpipe().topics().partitions());
    }

    private void topics(AppSettings app) {
        List<JsonNode> declared = ofKind(documents, "KafkaTopic");
        if (declared.isEmpty()) {
            return; // the app creates its topics
        }
        TopicsConfig topics = app.taskpipe().topics();
        for (String topic : Set.of(topics.tasks(), topics.cpuTasks(), topics.results(), topics.dlq(), topics.workers())) {
            boolean present = declared.stream().anyMatch(t -> topic.equals(t.path("spec").path("topicName").asText(t.path("metadata").path("name").asText())));
            if (!present) {
                findings.add("no KafkaTopic for " + topic);
            }
        }
        if (topics.create()) {
            findings.add("KafkaTopics are declared, yet the app creates topics (set TASKPIPE_TOPICS_CREATE=false)");
        }
    }

    private void expect(String what, String actual, String expected) {
        if (expected == null || !expected.equals(actual)) {
            findings.add(what + " is " + actual + ", the pods use " + expected);
        }
    }

    /** The container's environment; values from ConfigMaps resolved, values from Secrets stand as {@code <secret>}. */
    private Map<String, String> env(JsonNode container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode variable : container.path("env")) {
            JsonNode from = variable.path("valueFrom");
            String value;
            if (from.has("configMapKeyRef")) {
                JsonNode map = named(documents, "ConfigMap", from.path("configMapKeyRef").path("name").asText());
                value = map == null ? null : map.path("data").path(from.path("configMapKeyRef").path("key").asText()).asText(null);
                if (value == null) {
                    findings.add("environment variable " + variable.path("name").asText() + " refers to a missing ConfigMap key " + from.path("configMapKeyRef"));
                }
            } else if (from.has("secretKeyRef")) {
                value = "<secret>";
            } else {
                value = variable.path("value").asText("");
            }
            if (value != null) {
                env.put(variable.path("name").asText(), value);
            }
        }
        return env;
    }

    private static boolean matches(JsonNode selector, JsonNode labels) {
        if (!selector.isObject() || selector.isEmpty()) {
            return false;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = selector.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> label = it.next();
            if (!label.getValue().equals(labels.path(label.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
