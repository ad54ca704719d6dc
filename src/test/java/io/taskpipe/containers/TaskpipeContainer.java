package io.taskpipe.containers;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskpipe.testing.Pipeline;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;

/**
 * One taskpipe container from the real image, in a role (its {@code QUARKUS_PROFILE}), configured only by
 * environment variables as compose and Kubernetes configure it. On the host network, its HTTP port on
 * 127.0.0.1 chosen free. Killed ({@code docker kill}) or stopped ({@code docker stop}) by the test.
 */
final class TaskpipeContainer extends GenericContainer<TaskpipeContainer> {

    /** Every container of the tier carries this label, so leftovers of an aborted run can be found and removed. */
    static final String LABEL = "io.taskpipe.test.containers";

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final long MEMORY_LIMIT = 768L * 1024 * 1024;

    private final String name;
    private final int httpPort;

    TaskpipeContainer(String name, String role, Map<String, String> env, Integer cpus) {
        super(DockerImageName.parse(LocalImages.APP));
        this.name = name;
        this.httpPort = Ports.free();
        Map<String, String> all = new HashMap<>(env);
        all.put("QUARKUS_PROFILE", role);
        all.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        all.put("QUARKUS_HTTP_PORT", Integer.toString(httpPort));
        all.put("QUARKUS_BANNER_ENABLED", "false");
        withEnv(all);
        withNetworkMode("host");
        withLabel(LABEL, "true");
        withCreateContainerCmdModifier(cmd -> {
            cmd.withName(name + "-" + httpPort);
            // a memory limit as in production, so the image's container-aware heap sizing is what runs
            cmd.getHostConfig().withMemory(MEMORY_LIMIT);
            if (cpus != null) {
                cmd.getHostConfig().withNanoCPUs(cpus * 1_000_000_000L); // docker run --cpus
            }
        });
        withLogConsumer(ContainerLogs.to(name));
        waitingFor(new ReadyWhen(name + " ready", this::ready).withStartupTimeout(Duration.ofSeconds(120)));
    }

    String name() {
        return name;
    }

    /** {@code docker kill}: SIGKILL, no drain, no commit, no goodbye to the group. */
    void kill() {
        getDockerClient().killContainerCmd(getContainerId()).exec();
        await(name + " gone").atMost(Duration.ofSeconds(30)).until(() -> !isRunning());
    }

    /** {@code docker stop -t <grace>}: SIGTERM, then SIGKILL after the grace. Returns the exit code. */
    long stopGracefully(Duration grace) {
        getDockerClient().stopContainerCmd(getContainerId()).withTimeout((int) grace.toSeconds()).exec();
        return getDockerClient().inspectContainerCmd(getContainerId()).exec().getState().getExitCodeLong();
    }

    /** A gauge or counter of {@code /q/metrics} by its line prefix, e.g. {@code taskpipe_lane_running{lane="CPU"}}. */
    double metric(String linePrefix) {
        Matcher value = Pattern.compile("^" + Pattern.quote(linePrefix) + " (\\S+)$", Pattern.MULTILINE).matcher(get("/q/metrics").body());
        return value.find() ? Double.parseDouble(value.group(1)) : Double.NaN;
    }

    /** The readiness report's data of the lanes check, e.g. {@code CPU.slots}. */
    JsonNode laneHealth() {
        for (JsonNode check : Pipeline.parse(get("/q/health/ready").body().getBytes()).path("checks")) {
            if ("taskpipe-lanes".equals(check.path("name").asText())) {
                return check.path("data");
            }
        }
        throw new AssertionError(name + " reports no taskpipe-lanes health check");
    }

    private boolean ready() {
        try {
            return get("/q/health/ready").statusCode() == 200;
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    private HttpResponse<String> get(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
