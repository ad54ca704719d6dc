package io.taskpipe.embedded;

import io.taskpipe.config.TaskpipeConfig;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The all-in-one mode's broker: started when this process is all-in-one and no
 * {@code kafka.bootstrap.servers} is configured, so a machine with only a JDK runs the whole pipeline.
 */
@ApplicationScoped
public class EmbeddedKafka {

    private static final Logger LOG = Logger.getLogger(EmbeddedKafka.class);

    private final TaskpipeConfig config;
    private final boolean wanted;
    private EmbeddedBroker broker;

    public EmbeddedKafka(TaskpipeConfig config, @ConfigProperty(name = "kafka.bootstrap.servers") Optional<String> bootstrap) {
        this.config = config;
        this.wanted = config.role() == TaskpipeConfig.Role.ALL_IN_ONE && bootstrap.isEmpty();
    }

    /** Whether this process runs the broker itself. */
    public boolean active() {
        return wanted;
    }

    public synchronized void start() {
        if (!wanted || broker != null) {
            return;
        }
        Optional<Path> dataDir = config.embedded().dataDir();
        long start = System.nanoTime();
        try {
            broker = dataDir.isPresent()
                    ? EmbeddedBroker.start(config.embedded().port(), Files.createDirectories(dataDir.get()))
                    : EmbeddedBroker.start(config.embedded().port(), Files.createTempDirectory("taskpipe-kafka-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LOG.infof("embedded Kafka broker listening on %s (data in %s), started in %d ms",
                broker.bootstrapServers(), broker.dataDir(), (System.nanoTime() - start) / 1_000_000);
    }

    public synchronized void stop() {
        if (broker != null) {
            broker.stop();
            if (config.embedded().dataDir().isEmpty()) {
                EmbeddedBroker.deleteRecursively(broker.dataDir());
            }
            broker = null;
        }
    }
}
