package io.taskpipe.containers;

import io.taskpipe.topology.Topology;
import org.testcontainers.containers.BindMode;
import org.testcontainers.lifecycle.Startables;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The compose topology in miniature for one scenario: a dispatcher and cpu-workers as containers of the
 * real image on the tier's broker, configured by environment variables only, with topics and groups of
 * their own. Naming, the load ({@link Topology#load}) and the checker come from the topology tier's
 * {@link Topology}, which here starts no process.
 */
final class ContainerTopology implements AutoCloseable {

    /** The files {@code file.read} tasks read, mounted read-only at {@code /data} in every container. */
    static final Path FILES = ContainerLogs.DIR.resolve("files");

    private final Topology naming;
    private final String scenario;
    private final Map<String, String> env = new HashMap<>();
    private final List<TaskpipeContainer> containers = new ArrayList<>();

    ContainerTopology(String scenario, String bootstrap) {
        this.scenario = scenario;
        this.naming = new Topology(scenario, bootstrap, Path.of("/data"));
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        // a dead member is noticed after 6 s rather than the default 10 s
        env.put("KAFKA_SESSION_TIMEOUT_MS", "6000");
        env.put("KAFKA_HEARTBEAT_INTERVAL_MS", "1000");
        // taskpipe.topics.cpu-tasks is TASKPIPE_TOPICS_CPU_TASKS in the environment
        naming.names().settings().forEach((key, value) -> env.put(key.toUpperCase().replaceAll("[.-]", "_"), value));
        env.put("TASKPIPE_FILES_BASE_DIR", "/data");
        env.put("TASKPIPE_API_INSECURE", "true");
    }

    /** Writes the files of file tasks, readable by the image's non-root user. */
    static void writeFiles() {
        try {
            Files.createDirectories(FILES);
            Files.writeString(FILES.resolve("topology.txt"), "a file for file.read tasks\n".repeat(100));
            Files.setPosixFilePermissions(FILES, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(FILES.resolve("topology.txt"), PosixFilePermissions.fromString("rw-r--r--"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Naming, load target and checker of this scenario. */
    Topology topology() {
        return naming;
    }

    /** Sets an environment variable for every container started afterwards. */
    ContainerTopology with(String name, String value) {
        env.put(name, value);
        return this;
    }

    TaskpipeContainer dispatcher(String name) {
        return start(name, "dispatcher", null);
    }

    /**
     * A dispatcher and cpu-workers started side by side (whoever starts first creates the topics);
     * returns the workers in the order named, each ready.
     */
    List<TaskpipeContainer> deploy(String dispatcher, String... workers) {
        List<TaskpipeContainer> started = new ArrayList<>(List.of(container(dispatcher, "dispatcher", null)));
        for (String worker : workers) {
            started.add(container(worker, "cpu-worker", null));
        }
        Startables.deepStart(started).join();
        return started.subList(1, started.size());
    }

    /** A cpu-worker limited to {@code cpus} processors, as {@code docker run --cpus} does. */
    TaskpipeContainer worker(String name, int cpus) {
        return start(name, "cpu-worker", cpus);
    }

    private TaskpipeContainer start(String name, String role, Integer cpus) {
        TaskpipeContainer container = container(name, role, cpus);
        container.start();
        return container;
    }

    private TaskpipeContainer container(String name, String role, Integer cpus) {
        TaskpipeContainer container = new TaskpipeContainer(scenario + "-" + name, role, env, cpus)
                .withFileSystemBind(FILES.toString(), "/data", BindMode.READ_ONLY);
        containers.add(container);
        return container;
    }

    @Override
    public void close() {
        containers.forEach(TaskpipeContainer::stop); // removes them, running or not
    }
}
