package io.taskpipe.containers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The images the container tier runs, built on this machine by {@code src/main/docker/build-images.sh}
 * (nothing can be pulled): the app image from the real Dockerfile and {@code target/quarkus-app} (failsafe
 * runs after {@code package}), on a base and a Kafka image that are built once and then kept.
 */
final class LocalImages {

    static final String APP = "taskpipe:latest";
    static final String KAFKA = "taskpipe/kafka:4.2.1";

    private static final Path SCRIPT = Path.of("src", "main", "docker", "build-images.sh");
    private static boolean built;

    private LocalImages() {
    }

    /** Builds what is missing, once per test JVM; the script's output goes to {@code target/containers/build-images.log}. */
    static synchronized void build() {
        if (built) {
            return;
        }
        Path log = ContainerLogs.DIR.resolve("build-images.log");
        long start = System.nanoTime();
        try {
            Files.createDirectories(ContainerLogs.DIR);
            ProcessBuilder builder = new ProcessBuilder(List.of("bash", SCRIPT.toString(), "jre", "kafka", "app"))
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            // jlink and the Kafka image's ./mvnw use the JDK running this test, a JDK 25 like the build's
            builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
            Process process = builder.start();
            if (!process.waitFor(10, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException(SCRIPT + " did not finish within 10 minutes; see " + log);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(SCRIPT + " failed (exit " + process.exitValue() + "):\n" + tail(log));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        System.out.printf("container images ready in %d s (%s)%n", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start), log);
        built = true;
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }
}
