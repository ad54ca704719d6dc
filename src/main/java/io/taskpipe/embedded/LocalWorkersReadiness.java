package io.taskpipe.embedded;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * The all-in-one mode is ready when it can process what it accepts: every local cpu-worker it started
 * is alive and says it is ready itself, on its loopback port: its lane has warmed up and joined the
 * group. A child JVM takes seconds to start and join; a readiness that did not wait for it let the first
 * computing tasks queue behind that start, and a load sent meanwhile shared the cores with it. The
 * child is asked rather than the group described: a child killed and restarted under the same static
 * instance id takes its predecessor's place in the group, client id included, and only the child knows
 * whether it has.
 */
@Readiness
@ApplicationScoped
public class LocalWorkersReadiness implements HealthCheck {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final LocalWorkers workers;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    public LocalWorkersReadiness(LocalWorkers workers) {
        this.workers = workers;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("taskpipe-local-workers").up();
        if (workers.count() == 0) {
            return response.build();
        }
        List<LocalWorkers.Launched> children = workers.launched();
        if (children.isEmpty()) {
            return response.down().withData("problem", "no local cpu-worker started yet, or none could start (see the log)").build();
        }
        for (LocalWorkers.Launched child : children) {
            String state = state(child);
            response.withData(child.name(), state);
            if (!state.endsWith(": ready")) {
                response.down();
            }
        }
        return response.build();
    }

    private String state(LocalWorkers.Launched child) {
        if (child.process() == null || !child.process().isAlive()) {
            return "not running";
        }
        String pid = "pid " + child.process().pid();
        try {
            HttpResponse<Void> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + child.httpPort() + "/q/health/ready"))
                    .timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.discarding());
            return pid + (answer.statusCode() == 200 ? ": ready" : ": not ready yet (" + answer.statusCode() + ")");
        } catch (IOException e) {
            return pid + ": starting (" + e.getClass().getSimpleName() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return pid + ": interrupted";
        }
    }
}
