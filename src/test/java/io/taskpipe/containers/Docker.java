package io.taskpipe.containers;

import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Whether a Docker daemon answers. Where none does, the container tier is skipped with one line; under CI
 * ({@code CI=true}, which {@code .ci/run} exports) a missing daemon is a failure, since CI must run the tier.
 */
final class Docker {

    private static Boolean available;

    private Docker() {
    }

    /** Aborts the calling test class (or fails it under CI) unless a Docker daemon answers. */
    static synchronized void require() {
        if (available == null) {
            available = daemonAnswers();
        }
        if (!available) {
            String reason = "no Docker daemon answers `docker info`";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException("CI=true, so the container tier must run, but " + reason
                        + " (.ci/run installs docker.io and starts dockerd)");
            }
            String line = "container tier skipped: " + reason + " (start dockerd to run it)";
            System.out.println(line); // the one line a build log shows: an aborted @BeforeAll counts no test
            Assumptions.abort(line);
        }
    }

    /**
     * Removes containers an earlier, aborted run left behind (without Ryuk nothing else does): on the host
     * network they would still hold their ports and consume from their topics.
     */
    static void removeLeftovers() {
        var client = DockerClientFactory.instance().client();
        client.listContainersCmd().withShowAll(true).withLabelFilter(java.util.Map.of(TaskpipeContainer.LABEL, "true")).exec()
                .forEach(container -> client.removeContainerCmd(container.getId()).withForce(true).exec());
    }

    private static boolean daemonAnswers() {
        try {
            Process info = new ProcessBuilder("docker", "info", "--format", "{{.ServerVersion}}")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!info.waitFor(30, TimeUnit.SECONDS)) {
                info.destroyForcibly();
                return false;
            }
            return info.exitValue() == 0;
        } catch (IOException e) {
            return false; // no docker client at all
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
