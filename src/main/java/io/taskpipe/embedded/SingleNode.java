package io.taskpipe.embedded;

import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What every single-node KRaft broker in a JVM needs, whatever its listeners: one process as broker and
 * controller, its directories, internal topics of one replica (else consumer groups and transactions
 * hang), and a formatted data directory.
 */
public final class SingleNode {

    private SingleNode() {
    }

    /** Settings of a node keeping its data in {@code dataDir}, its controller on {@code controllerPort}; add the listeners. */
    public static Map<String, Object> settings(Path dataDir, int controllerPort) {
        // Kafka 4 batches offset commits in the group coordinator for up to 5 ms (append.linger); taskpipe
        // commits each task start before it runs, so a lingering commit would add those to every task.
        // Groups on KIP-848's protocol (kafka.group.protocol=consumer) heartbeat as often as taskpipe's classic
        // ones: a member learns of a new assignment from its heartbeat, 5 s apart by default (G11's rescaling).
        // A share group may lock records for as little as 1 s (15 s by default): tests renew locks without waiting long.
        return parse("""
                process.roles=broker,controller
                node.id=1
                controller.quorum.voters=1@localhost:%d
                controller.listener.names=CONTROLLER
                log.dirs=%s
                metadata.log.dir=%s
                offsets.topic.replication.factor=1
                transaction.state.log.replication.factor=1
                transaction.state.log.min.isr=1
                share.coordinator.state.topic.replication.factor=1
                share.coordinator.state.topic.min.isr=1
                group.initial.rebalance.delay.ms=0
                group.coordinator.append.linger.ms=0
                group.consumer.min.heartbeat.interval.ms=500
                group.consumer.heartbeat.interval.ms=500
                group.share.min.record.lock.duration.ms=1000
                """.formatted(controllerPort, dataDir.resolve("log"), dataDir.resolve("metadata")));
    }

    /** Settings written as a properties file, one {@code key=value} a line. */
    public static Map<String, Object> parse(String lines) {
        Map<String, Object> settings = new HashMap<>();
        lines.lines().filter(line -> !line.isBlank()).forEach(line -> {
            int equals = line.indexOf('=');
            settings.put(line.substring(0, equals).strip(), line.substring(equals + 1).strip());
        });
        return settings;
    }

    /** Formats {@code dataDir} for cluster {@code clusterId}, leaving a directory formatted before as it is. */
    public static void format(Path dataDir, String clusterId) {
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(PrintStream.nullOutputStream()))
                    .setNodeId(1)
                    .setClusterId(clusterId)
                    .setDirectories(List.of(dataDir.resolve("log").toString(), dataDir.resolve("metadata").toString()))
                    .setMetadataLogDirectory(dataDir.resolve("metadata").toString())
                    .setControllerListenerName("CONTROLLER")
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setIgnoreFormatted(true)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format the Kafka data directory " + dataDir, e);
        }
    }
}
