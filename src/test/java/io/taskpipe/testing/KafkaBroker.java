package io.taskpipe.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.taskpipe.embedded.EmbeddedBroker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The suite's one broker: a real in-JVM KRaft broker started once per test JVM, plus one cpu-worker
 * child process started by the application under test from the packaged jar (integration tests run
 * after {@code package}). Also gives the suite a base directory for file tasks.
 */
public class KafkaBroker implements QuarkusTestResourceLifecycleManager {

    private static EmbeddedBroker broker;
    private static Path filesDir;

    public static synchronized EmbeddedBroker broker() {
        if (broker == null) {
            broker = EmbeddedBroker.startTemporary();
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close));
        }
        return broker;
    }

    /** The base directory file tasks of the suite read from. */
    public static synchronized Path filesDir() {
        if (filesDir == null) {
            try {
                filesDir = Files.createTempDirectory("taskpipe-files-").toRealPath();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return filesDir;
    }

    @Override
    public Map<String, String> start() {
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: integration tests run after `package` (./mvnw verify)");
        }
        return Map.of(
                "kafka.bootstrap.servers", broker().bootstrapServers(),
                "taskpipe.files.base-dir", filesDir().toString(),
                "taskpipe.local-workers.count", "1",
                "taskpipe.local-workers.jar", jar.toString(),
                "taskpipe.local-workers.log-dir", Path.of("target").toAbsolutePath().toString(),
                "taskpipe.local-workers.jvm-options", "-Xmx512m,-XX:+ExitOnOutOfMemoryError");
    }

    @Override
    public void stop() {
        // the broker lives as long as the test JVM, shared by every test class
    }
}
