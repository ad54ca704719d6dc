package io.taskpipe.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deployment files as shipped: the Kustomize base and every overlay render offline with
 * {@code kubectl kustomize}, and they, like the compose file, keep every cross-file invariant.
 */
class DeploymentFilesTest {

    static Stream<Path> kustomizations() throws IOException {
        try (Stream<Path> overlays = Files.list(Path.of("k8s", "overlays"))) {
            return Stream.concat(Stream.of(Path.of("k8s", "base")), overlays.filter(Files::isDirectory).sorted().toList().stream());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kustomizations")
    void rendersAndKeepsEveryInvariant(Path kustomization) {
        List<JsonNode> rendered = Manifests.kustomize(kustomization);
        assertThat(KubernetesInvariants.check(rendered)).as("broken invariants of " + kustomization).isEmpty();
    }

    @Test
    void thereAreAStrimziAndAnExternalOverlay() throws IOException {
        assertThat(kustomizations().map(p -> p.getFileName().toString())).contains("strimzi", "external");
    }

    @Test
    void composeKeepsEveryInvariant() throws IOException {
        assertThat(ComposeInvariants.check(compose(), prometheus(), dashboard())).isEmpty();
    }

    static JsonNode compose() {
        return Manifests.yamlFile(Path.of("compose", "compose.yaml"));
    }

    static JsonNode prometheus() {
        return Manifests.yamlFile(Path.of("compose", "prometheus", "prometheus.yml"));
    }

    static String dashboard() throws IOException {
        return Files.readString(Path.of("compose", "grafana", "dashboards", "taskpipe.json"));
    }
}
