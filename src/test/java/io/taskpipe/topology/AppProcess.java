package io.taskpipe.topology;

import io.taskpipe.embedded.LocalProcesses;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;

/**
 * One taskpipe process started from the packaged jar, as an operator would start it: a role (profile),
 * system properties, its console in {@code target/topology/<name>.log}. Killed with SIGKILL or stopped
 * with SIGTERM by the test.
 */
public final class AppProcess {

    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();
    private static final Path CLASS_ARCHIVES = Path.of("target", "app-cds").toAbsolutePath();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final String name;
    private final String profile;
    private final Map<String, String> properties;
    private final List<String> jvmOptions;
    private final Path log;
    private String cpus;
    private int httpPort;
    private Process process;

    AppProcess(String name, String profile, Map<String, String> properties, List<String> jvmOptions, Path logDir) {
        this.name = name;
        this.profile = profile;
        this.properties = properties;
        this.jvmOptions = jvmOptions;
        this.log = logDir.resolve(name + ".log");
    }

    /** A process of the packaged jar; started with {@link #start()}. */
    public static AppProcess of(String name, String profile, Map<String, String> properties, List<String> jvmOptions, Path logDir) {
        return new AppProcess(name, profile, properties, jvmOptions, logDir);
    }

    /** Runs the process on these CPUs only ({@code taskset -c}, e.g. {@code "1"} or {@code "0,1"}), as a pinned container would. */
    public AppProcess pinnedTo(String cpuList) {
        this.cpus = cpuList;
        return this;
    }

    public String name() {
        return name;
    }

    /** A not yet started process with the same name and settings. */
    AppProcess copy() {
        return new AppProcess(name, profile, properties, jvmOptions, log.getParent()).pinnedTo(cpus);
    }

    /** Starts the process and waits until it reports ready. */
    public AppProcess start() {
        return launch().awaitReady();
    }

    /** Waits until the launched process reports ready. */
    public AppProcess awaitReady() {
        return awaitReady(Duration.ofSeconds(60));
    }

    public AppProcess awaitReady(Duration timeout) {
        await(name + " ready").atMost(timeout).pollInterval(Duration.ofMillis(200)).until(this::ready);
        return this;
    }

    /** Starts the process without waiting for it (it may die at once, as a worker fed a crashing task does). */
    public AppProcess launch() {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: topology tests run after `package` (./mvnw verify)");
        }
        httpPort = LocalProcesses.freePort();
        List<String> command = new ArrayList<>();
        if (cpus != null) {
            command.addAll(List.of("taskset", "-c", cpus)); // taskset execs java: the pid stays java's
        }
        command.addAll(List.of(LocalProcesses.javaExecutable(), "-Xmx384m", "-XX:+ExitOnOutOfMemoryError"));
        command.addAll(ClassArchive.options(JAR, CLASS_ARCHIVES, jvmOptions, this::archivingRun));
        command.addAll(jvmOptions); // later options win: a test may set a smaller heap
        command.addAll(List.of("-Dquarkus.profile=" + profile, "-Dquarkus.http.port=" + httpPort, "-Dquarkus.banner.enabled=false"));
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(JAR.toString());
        try {
            Files.createDirectories(log.getParent());
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /**
     * A launch like this one that writes the class archive at its exit: with {@code archiving}, without a
     * flight recording, and on topics and groups of its own, so that it takes none of the test's records.
     */
    private AppProcess archivingRun(List<String> archiving) {
        List<String> options = new ArrayList<>(jvmOptions.stream().filter(o -> !o.startsWith("-XX:StartFlightRecording")).toList());
        options.addAll(archiving);
        String prefix = "class-archive-" + UUID.randomUUID();
        Map<String, String> own = new HashMap<>(properties);
        for (String topic : List.of("tasks", "cpu-tasks", "results", "dlq", "workers")) {
            own.put("taskpipe.topics." + topic, prefix + "." + topic);
        }
        for (String group : List.of("io.group", "cpu.group", "cpu.share-group")) {
            own.put("taskpipe.lanes." + group, prefix + "-" + group);
        }
        return new AppProcess(name + "-class-archive", profile, own, options, log.getParent());
    }

    /** Where the process's console goes. */
    public Path log() {
        return log;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL: no shutdown hook, no commit, no goodbye to the group. */
    public void kill() {
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(10));
    }

    /** SIGTERM, then waits for the exit; returns the exit code. */
    public int terminate(Duration timeout) {
        process.destroy();
        if (!waitFor(timeout)) {
            process.destroyForcibly();
            waitFor(Duration.ofSeconds(10));
            throw new AssertionError(name + " did not exit within " + timeout + " after SIGTERM");
        }
        return process.exitValue();
    }

    public int exitValue() {
        return process.exitValue();
    }

    private boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A gauge or counter of {@code /q/metrics}, by its line prefix (e.g. {@code taskpipe_lane_outstanding{lane="CPU"}}). */
    public double metric(String linePrefix) {
        Matcher value = Pattern.compile("^" + Pattern.quote(linePrefix) + " (\\S+)$", Pattern.MULTILINE).matcher(get("/q/metrics"));
        return value.find() ? Double.parseDouble(value.group(1)) : Double.NaN;
    }

    /**
     * The sum of a metric's series that carry {@code label} (e.g. {@code lane="CPU"}) whatever their other
     * tags: {@code metricSum("taskpipe_tasks_total", "lane=\"CPU\"")} is every CPU task this process finished.
     */
    public double metricSum(String name, String label) {
        Matcher series = Pattern.compile("^" + Pattern.quote(name) + "\\{([^}]*)} (\\S+)$", Pattern.MULTILINE).matcher(get("/q/metrics"));
        double sum = 0;
        while (series.find()) {
            if (series.group(1).contains(label)) {
                sum += Double.parseDouble(series.group(2));
            }
        }
        return sum;
    }

    /**
     * The process's heap right after a full collection ({@code jcmd GC.run}): what it holds. G1's own
     * live-data gauge is read at the end of a concurrent mark, before mixed collections reclaim, and so
     * counts garbage too (one run read 332 MiB there where full collections find about 150).
     */
    public long heapAfterFullCollection() {
        try {
            Process gc = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(pid()), "GC.run").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!gc.waitFor(30, TimeUnit.SECONDS) || gc.exitValue() != 0) {
                throw new IllegalStateException("jcmd " + pid() + " GC.run did not finish");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
        return (long) metricSum("jvm_memory_used_bytes", "area=\"heap\"");
    }

    /** The process's resident memory in bytes, as Linux counts it ({@code VmRSS}). */
    public long residentBytes() {
        try {
            Matcher rss = Pattern.compile("^VmRSS:\\s+(\\d+) kB$", Pattern.MULTILINE)
                    .matcher(Files.readString(Path.of("/proc", Long.toString(pid()), "status")));
            if (!rss.find()) {
                throw new IllegalStateException("no VmRSS in /proc/" + pid() + "/status");
            }
            return Long.parseLong(rss.group(1)) * 1024;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An HTTP exchange with the process: its status and body. */
    public record Answer(int status, String body) {
    }

    /** {@code GET /q/health/live}: 200 and UP, or 503 and DOWN with the failing check's data. */
    public Answer liveness() {
        return exchange(HttpRequest.newBuilder(uri("/q/health/live")).build());
    }

    /** {@code POST} of a JSON body, as a REST client would send it. */
    public Answer post(String path, String json) {
        return exchange(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private Answer exchange(HttpRequest request) {
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Where this process answers {@code path}. */
    public URI uri(String path) {
        return URI.create("http://localhost:" + httpPort + path);
    }

    private boolean ready() {
        if (!process.isAlive()) {
            throw new AssertionError(name + " exited with " + process.exitValue() + " while starting; see " + log);
        }
        return answersReady();
    }

    boolean answersReady() {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri("/q/health/ready")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** {@code GET} of a path: the body, whatever the status. */
    public String get(String path) {
        return exchange(HttpRequest.newBuilder(uri(path)).build()).body();
    }
}
