package io.taskpipe.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The deployment files as the checks see them: an overlay rendered by {@code kubectl kustomize} (offline,
 * no cluster), the compose file, each as JSON trees. YAML is read with SnakeYAML, which resolves the
 * anchors and merge keys ({@code <<: *taskpipe}) the compose file uses. SnakeYAML is a run-time
 * dependency of the app (under jackson-dataformat-yaml, which Kafka's server uses): declaring it again
 * with test scope would take it out of the packaged app.
 */
final class Manifests {

    static final ObjectMapper JSON = new ObjectMapper();

    private Manifests() {
    }

    /** Every document {@code kubectl kustomize dir} renders. Skipped where kubectl is missing, failed under CI. */
    static List<JsonNode> kustomize(Path dir) {
        Process process;
        try {
            process = new ProcessBuilder("kubectl", "kustomize", dir.toString()).redirectErrorStream(false).start();
        } catch (IOException e) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException("CI=true, so the overlays must be rendered, but kubectl cannot run: " + e.getMessage(), e);
            }
            String line = "deploy checks skipped: kubectl is not installed (`kubectl kustomize` renders the overlays)";
            System.out.println(line);
            Assumptions.abort(line);
            throw new AssertionError(); // not reached
        }
        try {
            String rendered = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String errors = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new AssertionError("kubectl kustomize " + dir + " failed:\n" + errors);
            }
            return yamlDocuments(rendered);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** One YAML file, e.g. {@code compose/compose.yaml}. */
    static JsonNode yamlFile(Path file) {
        try {
            List<JsonNode> documents = yamlDocuments(Files.readString(file));
            if (documents.size() != 1) {
                throw new AssertionError(file + " holds " + documents.size() + " YAML documents, expected 1");
            }
            return documents.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<JsonNode> yamlDocuments(String yaml) {
        List<JsonNode> documents = new ArrayList<>();
        for (Object document : new Yaml(new LoaderOptions()).loadAll(yaml)) {
            if (document != null) {
                documents.add(JSON.valueToTree(document));
            }
        }
        return documents;
    }

    /** The documents of one kind, e.g. {@code Deployment}. */
    static List<JsonNode> ofKind(List<JsonNode> documents, String kind) {
        return documents.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
    }

    /** A resource by kind and name, or null. */
    static JsonNode named(List<JsonNode> documents, String kind, String name) {
        return ofKind(documents, kind).stream().filter(d -> Objects.equals(name, d.path("metadata").path("name").asText()))
                .findFirst().orElse(null);
    }
}
