package io.taskpipe.containers;

import io.taskpipe.kafka.ClientSettings;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The Kafka broker of the container tier: {@link LocalImages#KAFKA}, single-node KRaft, on loopback ports. */
final class BrokerContainer extends GenericContainer<BrokerContainer> {

    private final int port;

    BrokerContainer() {
        super(DockerImageName.parse(LocalImages.KAFKA));
        port = Ports.free();
        withNetworkMode("host");
        withLabel(TaskpipeContainer.LABEL, "true");
        withEnv(Map.of(
                "KAFKA_HOST", "127.0.0.1",
                "KAFKA_PORT", Integer.toString(port),
                "KAFKA_CONTROLLER_PORT", Integer.toString(Ports.free())));
        withLogConsumer(ContainerLogs.to("kafka"));
        waitingFor(new ReadyWhen("Kafka broker on " + bootstrapServers(), this::answers).withStartupTimeout(Duration.ofSeconds(90)));
    }

    String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    private boolean answers() {
        try (Admin admin = Admin.create(ClientSettings.bootstrap(bootstrapServers())
                .set(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000).set(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000).toMap())) {
            admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
