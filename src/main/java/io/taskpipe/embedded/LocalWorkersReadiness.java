package io.taskpipe.embedded;

import io.quarkus.runtime.ShutdownEvent;
import io.taskpipe.config.TaskpipeConfig;
import io.taskpipe.kafka.KafkaClients;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The all-in-one mode is ready when it can process what it accepts: every local cpu-worker it started is
 * alive and, as the group coordinator sees it, a member of the CPU lane's settled group (a member joins
 * after its {@linkplain io.taskpipe.lanes.Lanes warm-up}). A child JVM takes seconds to start and join;
 * a readiness that did not wait for it let the first computing tasks queue behind that start, and a load
 * sent meanwhile shared the cores with it.
 */
@Readiness
@ApplicationScoped
public class LocalWorkersReadiness implements HealthCheck {

    private static final long TIMEOUT_MS = 2000;

    private final LocalWorkers workers;
    private final KafkaClients clients;
    private final String group;
    private Admin admin;
    private boolean closed;

    public LocalWorkersReadiness(LocalWorkers workers, KafkaClients clients, TaskpipeConfig config) {
        this.workers = workers;
        this.clients = clients;
        this.group = config.lanes().cpu().group();
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("taskpipe-local-workers").up();
        if (workers.count() == 0) {
            return response.build();
        }
        Map<String, Process> children = workers.members();
        if (children.isEmpty()) {
            return response.down().withData("problem", "no local cpu-worker started yet, or none could start (see the log)").build();
        }
        Optional<ConsumerGroupDescription> described = describe(response);
        children.forEach((id, process) -> {
            boolean alive = process != null && process.isAlive();
            Optional<MemberDescription> member = described.filter(d -> alive).flatMap(d -> member(d, id, process.pid()));
            response.withData(id, !alive ? "not running" : "pid " + process.pid() + member.map(LocalWorkersReadiness::holding)
                    .orElse(": not a member of " + group + " yet"));
            if (member.isEmpty()) {
                response.down();
            }
        });
        described.ifPresent(d -> {
            response.withData(group, d.groupState().toString());
            if (d.groupState() != GroupState.STABLE) {
                response.down();
            }
        });
        return response.build();
    }

    private synchronized Optional<ConsumerGroupDescription> describe(HealthCheckResponseBuilder response) {
        if (closed) {
            response.down();
            return Optional.empty();
        }
        try {
            if (admin == null) {
                admin = clients.newAdmin();
            }
            return Optional.of(admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get(TIMEOUT_MS, TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            response.withData("problem", "cannot describe " + group + ": " + (e.getCause() != null ? e.getCause() : e));
        }
        response.down();
        return Optional.empty();
    }

    /**
     * The child's member: its instance id with the child's own client, not the static member a child that
     * died left behind (which stays until its session times out).
     */
    private Optional<MemberDescription> member(ConsumerGroupDescription described, String instanceId, long pid) {
        String clientId = KafkaClients.consumerClientId(group, pid);
        return described.members().stream()
                .filter(m -> m.groupInstanceId().filter(instanceId::equals).isPresent() && m.clientId().equals(clientId))
                .findFirst();
    }

    private static String holding(MemberDescription member) {
        return ": holds partitions " + member.assignment().topicPartitions().stream().map(TopicPartition::partition).sorted().toList();
    }

    /** Before the embedded broker stops, so that the client does not try to reach it on the way out. */
    synchronized void close(@Observes ShutdownEvent event) {
        closed = true;
        if (admin != null) {
            admin.close(Duration.ofSeconds(1));
        }
    }
}
