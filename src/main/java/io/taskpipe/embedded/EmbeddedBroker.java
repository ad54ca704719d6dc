package io.taskpipe.embedded;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
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
        SingleNode.format(dataDir, CLUSTER_ID);
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
        Map<String, Object> props = SingleNode.settings(dataDir, controllerPort);
        props.putAll(SingleNode.parse("""
                listeners=PLAINTEXT://localhost:%d,CONTROLLER://localhost:%d
                advertised.listeners=PLAINTEXT://localhost:%d
                listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
                inter.broker.listener.name=PLAINTEXT
                offsets.topic.num.partitions=8
                num.partitions=8
                auto.create.topics.enable=true
                log.cleaner.dedupe.buffer.size=2097152
                """.formatted(port, controllerPort, port)));
        return props;
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
