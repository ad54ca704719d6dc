package io.taskpipe.embedded;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A single-node Kafka (KRaft, broker and controller in one) running inside this JVM, from Kafka's own
 * server jars. It backs the all-in-one mode and the test suites.
 *
 * <p>The data directory is formatted on first use and reused after a restart, so a broker restarted on
 * the same directory and port keeps its topics, records and committed offsets.
 */
public final class EmbeddedBroker implements AutoCloseable {

    private static final String CLUSTER_ID = "taskpipe-embedded-01";

    private final int port;
    private final Path dataDir;
    private final boolean deleteOnClose;
    private KafkaRaftServer server;

    private EmbeddedBroker(int port, Path dataDir, boolean deleteOnClose) {
        this.port = port;
        this.dataDir = dataDir;
        this.deleteOnClose = deleteOnClose;
    }

    /** Starts a broker on {@code localhost:port} (0 picks a free port) keeping its data in {@code dataDir}. */
    public static EmbeddedBroker start(int port, Path dataDir) {
        EmbeddedBroker broker = new EmbeddedBroker(port == 0 ? LocalProcesses.freePort() : port, dataDir, false);
        broker.startServer();
        return broker;
    }

    /** Starts a broker on a free port with a temporary data directory that is deleted on {@link #close()}. */
    public static EmbeddedBroker startTemporary() {
        try {
            EmbeddedBroker broker = new EmbeddedBroker(LocalProcesses.freePort(), Files.createTempDirectory("taskpipe-kafka-"), true);
            broker.startServer();
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String bootstrapServers() {
        return "localhost:" + port;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Stops the broker and starts it again on the same port and data directory. */
    public synchronized void restart() {
        stopServer();
        startServer();
    }

    public synchronized void stop() {
        stopServer();
    }

    public synchronized void startAgain() {
        if (server == null) {
            startServer();
        }
    }

    @Override
    public synchronized void close() {
        stopServer();
        if (deleteOnClose) {
            deleteRecursively(dataDir);
        }
    }

    private synchronized void startServer() {
        if (isBound(port)) {
            throw new IllegalStateException("cannot start the embedded Kafka broker: port " + port
                    + " is already in use. Point kafka.bootstrap.servers at the broker that holds it,"
                    + " or choose another port with taskpipe.embedded.port");
        }
        Map<String, Object> props = brokerProperties(LocalProcesses.freePort());
        KafkaConfig config = new KafkaConfig(props, false);
        format(config);
        server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
    }

    private void stopServer() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    private Map<String, Object> brokerProperties(int controllerPort) {
        Map<String, Object> props = new HashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@localhost:" + controllerPort);
        props.put("listeners", "PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://localhost:" + port);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", dataDir.resolve("log").toString());
        props.put("metadata.log.dir", dataDir.resolve("metadata").toString());
        // One broker: every internal topic has a single replica, or consumer groups and transactions hang.
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "8");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        // Kafka 4 batches offset commits in the group coordinator for up to 5 ms; taskpipe commits each
        // task start before it runs, so a lingering commit would add those milliseconds to every task.
        props.put("group.coordinator.append.linger.ms", "0");
        props.put("num.partitions", "8");
        props.put("auto.create.topics.enable", "true");
        props.put("log.cleaner.dedupe.buffer.size", "2097152");
        return props;
    }

    private void format(KafkaConfig config) {
        try {
            Formatter formatter = new Formatter()
                    .setPrintStream(new PrintStream(PrintStream.nullOutputStream()))
                    .setNodeId(1)
                    .setClusterId(CLUSTER_ID)
                    .setDirectories(List.of(dataDir.resolve("log").toString(), dataDir.resolve("metadata").toString()))
                    .setMetadataLogDirectory(dataDir.resolve("metadata").toString())
                    .setControllerListenerName("CONTROLLER")
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setIgnoreFormatted(true);
            formatter.run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format the embedded Kafka data directory " + dataDir, e);
        }
    }

    private static boolean isBound(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp directory is harmless
        }
    }
}
