package io.taskpipe.embedded;

import io.taskpipe.config.TaskpipeConfig;
import io.taskpipe.kafka.KafkaClients;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The all-in-one mode's cpu-workers: child JVMs started from this very jar with the {@code cpu-worker}
 * profile, so computing work runs in separate OS processes exactly as in a scaled deployment. A child
 * that dies is restarted (with backoff); a child whose parent dies exits on its own.
 */
@ApplicationScoped
public class LocalWorkers {

    private static final Logger LOG = Logger.getLogger(LocalWorkers.class);
    /** Settings a child shares with its parent, whatever source gave them to the parent. */
    private static final List<String> INHERITED_PREFIXES = List.of("taskpipe.", "kafka.");
    /** ...except what makes the child a child. */
    private static final List<String> NOT_INHERITED = List.of("taskpipe.role", "taskpipe.local-workers.", "taskpipe.lanes.instance-id",
            "kafka.bootstrap.servers");

    private final TaskpipeConfig config;
    private final EmbeddedKafka embedded;
    private final KafkaClients clients;
    private final List<Child> children = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService restarts = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("taskpipe-local-workers").daemon().factory());
    private volatile boolean stopping;
    private Path inheritedConfig;

    public LocalWorkers(TaskpipeConfig config, EmbeddedKafka embedded, KafkaClients clients) {
        this.config = config;
        this.embedded = embedded;
        this.clients = clients;
    }

    /** How many children this process runs: configured, else one alongside the embedded broker. */
    public int count() {
        if (config.role() != TaskpipeConfig.Role.ALL_IN_ONE) {
            return 0;
        }
        return config.localWorkers().count().orElse(embedded.active() ? 1 : 0);
    }

    public void start() {
        int count = count();
        if (count == 0) {
            return;
        }
        config.localWorkers().logDir().ifPresent(dir -> {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        Optional<Path> jar = config.localWorkers().jar().or(LocalWorkers::ownJar);
        if (jar.isEmpty() || !Files.isRegularFile(jar.get())) {
            LOG.errorf("cannot start %d local cpu-worker(s): this process was not started from the application jar "
                    + "and taskpipe.local-workers.jar is %s. CPU tasks wait in %s until a cpu-worker runs; "
                    + "build with ./mvnw package and run java -jar target/quarkus-app/quarkus-run.jar",
                    count, jar.map(Path::toString).orElse("unset"), config.topics().cpuTasks());
            return;
        }
        inheritedConfig = writeInheritedConfig();
        for (int i = 1; i <= count; i++) {
            Child child = new Child(i, jar.get().toAbsolutePath());
            children.add(child);
            child.launch();
        }
    }

    /** Asks every child to stop (SIGTERM), waits for them, then kills what is left. */
    public void stop(Duration grace) {
        stopping = true;
        restarts.shutdownNow();
        children.forEach(Child::terminate);
        long deadline = System.nanoTime() + grace.plusSeconds(5).toNanos();
        for (Child child : children) {
            child.awaitOrKill(Math.max(0, deadline - System.nanoTime()));
        }
    }

    /** A child as last launched: its name, its process (null before the first launch) and the loopback port of its HTTP server. */
    record Launched(String name, Process process, int httpPort) {
    }

    /** Every child, as last launched. */
    List<Launched> launched() {
        return children.stream().map(child -> new Launched("cpu-worker-" + child.index, child.process, child.httpPort)).toList();
    }

    /** Process ids of the running children (tests look for them in results). */
    public List<Long> pids() {
        return children.stream().map(c -> c.process).filter(p -> p != null && p.isAlive()).map(Process::pid).toList();
    }

    /**
     * Writes the parent's effective {@code taskpipe.*} and {@code kafka.*} settings, whatever gave them
     * (files, environment, a test), to a file only this user can read, for the children to load: on a
     * command line, credentials would show in every process listing.
     */
    private static Path writeInheritedConfig() {
        Properties inherited = new Properties();
        Config effective = ConfigProvider.getConfig();
        for (String name : effective.getPropertyNames()) {
            if (INHERITED_PREFIXES.stream().anyMatch(name::startsWith) && NOT_INHERITED.stream().noneMatch(name::startsWith)) {
                effective.getOptionalValue(name, String.class).ifPresent(value -> inherited.setProperty(name, value));
            }
        }
        try {
            Path file = Files.createTempFile("taskpipe-worker-", ".properties",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            file.toFile().deleteOnExit();
            try (Writer out = Files.newBufferedWriter(file)) {
                inherited.store(out, "settings the all-in-one parent passes to its cpu-worker children");
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the configuration for local cpu-workers", e);
        }
    }

    private List<String> command(int index, Path jar, int httpPort) {
        List<String> command = new ArrayList<>();
        command.add(LocalProcesses.javaExecutable());
        config.localWorkers().jvmOptions().ifPresent(command::addAll);
        command.add("-Dquarkus.config.locations=" + inheritedConfig.toUri());
        command.add("-Dquarkus.profile=cpu-worker");
        command.add("-Dkafka.bootstrap.servers=" + clients.bootstrapServers());
        command.add("-Dtaskpipe.files.base-dir=" + config.files().baseDir().toAbsolutePath());
        command.add("-Dtaskpipe.local-workers.parent-pid=" + ProcessHandle.current().pid());
        // a static member: a child restarted after a crash takes its partitions back at once
        command.add("-Dtaskpipe.lanes.instance-id=cpu-worker-" + index + "-of-" + ProcessHandle.current().pid());
        command.add("-Dquarkus.http.port=" + httpPort);
        command.add("-Dquarkus.http.host=127.0.0.1"); // health and metrics for its parent only
        command.add("-Dquarkus.banner.enabled=false");
        command.add("-Dquarkus.log.console.format=[cpu-worker-" + index + "] %d{HH:mm:ss} %-5p [%c{2.}] (%t) %s%e%n");
        command.add("-jar");
        command.add(jar.toString());
        return command;
    }

    /** The jar this JVM was started from with {@code java -jar}, if any. */
    private static Optional<Path> ownJar() {
        String classPath = System.getProperty("java.class.path", "");
        return classPath.endsWith(".jar") && !classPath.contains(java.io.File.pathSeparator)
                ? Optional.of(Path.of(classPath)) : Optional.empty();
    }

    private final class Child {
        private final int index;
        private final Path jar;
        private volatile Process process;
        private volatile int httpPort;
        private long backoffMs = 1000;

        Child(int index, Path jar) {
            this.index = index;
            this.jar = jar;
        }

        void launch() {
            if (stopping) {
                return;
            }
            try {
                long started = System.nanoTime();
                int port = LocalProcesses.freePort(); // a fresh one each launch: a port taken meanwhile only costs a restart
                ProcessBuilder builder = new ProcessBuilder(command(index, jar, port)).inheritIO();
                config.localWorkers().logDir().ifPresent(dir -> builder.redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("cpu-worker-" + index + ".log").toFile())));
                process = builder.start();
                httpPort = port;
                LOG.infof("started local cpu-worker-%d (pid %d)", index, process.pid());
                process.onExit().thenAccept(p -> exited(p, started));
            } catch (Exception e) {
                LOG.errorf(e, "cannot start local cpu-worker-%d", index);
                scheduleRestart();
            }
        }

        private void exited(Process p, long started) {
            if (stopping) {
                return;
            }
            if (System.nanoTime() - started > TimeUnit.MINUTES.toNanos(1)) {
                backoffMs = 1000;
            }
            LOG.warnf("local cpu-worker-%d (pid %d) exited with %d; restarting in %d ms", index, p.pid(), p.exitValue(), backoffMs);
            scheduleRestart();
        }

        private void scheduleRestart() {
            if (!stopping) {
                restarts.schedule(this::launch, backoffMs, TimeUnit.MILLISECONDS);
                backoffMs = Math.min(30_000, backoffMs * 2);
            }
        }

        void terminate() {
            if (process != null) {
                process.destroy();
            }
        }

        void awaitOrKill(long nanos) {
            Process p = process;
            if (p == null) {
                return;
            }
            try {
                if (!p.waitFor(nanos, TimeUnit.NANOSECONDS)) {
                    LOG.warnf("local cpu-worker-%d did not stop in time; killing it", index);
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
