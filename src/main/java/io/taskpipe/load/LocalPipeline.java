package io.taskpipe.load;

import io.taskpipe.embedded.LocalProcesses;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline a load run starts for itself when it is given no broker: the all-in-one mode of the
 * packaged jar (embedded broker on a free port, dispatcher, one cpu-worker child), as a separate
 * process, so the load generator measures it from outside as it would any deployment.
 *
 * @param log where the process's console goes
 */
record LocalPipeline(Process process, int kafkaPort, int httpPort, Path log) implements AutoCloseable {

    /**
     * Starts the jar with its files under {@code dataDir} and {@code options} as extra system
     * properties ({@code key=value}); returns once it reports ready.
     */
    static LocalPipeline start(Path jar, Path dataDir, List<String> options, Path log, Duration timeout) throws IOException, InterruptedException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException(jar + " does not exist: build it with ./mvnw -DskipTests package");
        }
        int kafkaPort = LocalProcesses.freePort();
        int httpPort = LocalProcesses.freePort();
        List<String> command = new ArrayList<>(List.of(
                LocalProcesses.javaExecutable(),
                "-Dtaskpipe.embedded.port=" + kafkaPort, "-Dquarkus.http.port=" + httpPort,
                "-Dtaskpipe.files.base-dir=" + dataDir.toAbsolutePath(),
                // scenarios may fetch from the pipeline itself (${http}), which is on loopback
                "-Dtaskpipe.urls.allow-loopback=true"));
        options.forEach(option -> command.add("-D" + option));
        command.addAll(List.of("-jar", jar.toAbsolutePath().toString()));
        Files.createDirectories(log.toAbsolutePath().getParent());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        LocalPipeline pipeline = new LocalPipeline(process, kafkaPort, httpPort, log);
        pipeline.awaitReady(timeout);
        return pipeline;
    }

    String bootstrapServers() {
        return "localhost:" + kafkaPort;
    }

    String httpBase() {
        return "http://localhost:" + httpPort;
    }

    private void awaitReady(Duration timeout) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the pipeline exited with " + process.exitValue() + " while starting; see " + log);
            }
            try {
                var response = http.send(HttpRequest.newBuilder(URI.create(httpBase() + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250); // polling a starting process
        }
        close();
        throw new IllegalStateException("the pipeline did not become ready within " + timeout + "; see " + log);
    }

    /** SIGTERM, as an operator stops it: in-flight work finishes, offsets are committed. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
