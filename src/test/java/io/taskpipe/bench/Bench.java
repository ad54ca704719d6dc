package io.taskpipe.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskpipe.embedded.EmbeddedBroker;
import io.taskpipe.kafka.ClientSettings;
import io.taskpipe.load.LoadRun;
import io.taskpipe.load.Scenario;
import io.taskpipe.topology.AppProcess;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;

/**
 * What every arm of the suite shares: one broker, fresh topics per arm, the processes under test,
 * and the two measurements (latency under an open-loop rate, throughput draining a backlog).
 */
final class Bench implements AutoCloseable {

    /** An arm's own topics, 8 partitions each unless the arm says otherwise, so no arm sees another's tasks. */
    record Topics(String prefix, String tasks, String cpuTasks, String results, String dlq) {
        LoadRun.Target target(String bootstrap) {
            return LoadRun.Target.of(bootstrap, null).withTopics(tasks, results, dlq);
        }
    }

    static final int PARTITIONS = 8;
    static final Path OUT = Path.of("target", "bench");

    private final EmbeddedBroker broker;
    private final boolean smoke;
    private final List<AutoCloseable> running = new ArrayList<>();
    private final List<AppProcess> starting = new ArrayList<>();
    private final List<Long> armPids = new ArrayList<>();
    private int arms;

    Bench(boolean smoke) {
        this.smoke = smoke;
        this.broker = EmbeddedBroker.startTemporary();
    }

    boolean smoke() {
        return smoke;
    }

    String bootstrap() {
        return broker.bootstrapServers();
    }

    /** A full run's value, or a tiny one for the smoke run that only proves the suite works. */
    <T> T scale(T full, T smokeValue) {
        return smoke ? smokeValue : full;
    }

    /** How long a throughput arm collects results after publishing its backlog. */
    Duration measure() {
        return scale(Duration.ofSeconds(20), Duration.ofSeconds(1));
    }

    /**
     * A backlog that outlasts {@link #measure()} at {@code expectedRate} tasks/s (capped at 4,000/s,
     * beyond what 2 cores reach), so the lane never runs dry while it is measured.
     */
    long backlog(double expectedRate) {
        double seconds = measure().toMillis() / 1000.0 + scale(5.0, 1.0);
        return Math.max(1, Math.round(Math.min(expectedRate, 4000) * seconds));
    }

    Topics topics(String arm) {
        return topics(arm, PARTITIONS);
    }

    /** An arm's own topics, the CPU topic with {@code cpuPartitions}. */
    Topics topics(String arm, int cpuPartitions) {
        String prefix = "bench-" + (++arms) + "-" + arm;
        Topics topics = new Topics(prefix, prefix + ".tasks", prefix + ".tasks.cpu", prefix + ".results", prefix + ".dlq");
        try (Admin admin = Admin.create(ClientSettings.bootstrap(bootstrap()).toMap())) {
            admin.createTopics(List.of(topics.tasks(), topics.cpuTasks(), topics.results(), topics.dlq()).stream()
                    .map(name -> new NewTopic(name, Optional.of(name.equals(topics.cpuTasks()) ? cpuPartitions : PARTITIONS), Optional.empty()))
                    .toList()).all().get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException("cannot create the topics of arm " + arm, e);
        }
        return topics;
    }

    /** A dispatcher on the arm's topics with these settings, launched; ready once {@link #awaitAnswers} returns. */
    AppProcess dispatcher(Topics topics, Map<String, String> settings, List<String> jvmOptions, String cpus) {
        return app(topics, "dispatcher", topics.prefix() + "-dispatcher", settings, jvmOptions, cpus);
    }

    /** A cpu-worker on the arm's topics, launched; ready once {@link #awaitAnswers} returns. */
    AppProcess worker(Topics topics, String name, Map<String, String> settings, List<String> jvmOptions, String cpus) {
        return app(topics, "cpu-worker", topics.prefix() + "-" + name, settings, jvmOptions, cpus);
    }

    private AppProcess app(Topics topics, String profile, String name, Map<String, String> settings, List<String> jvmOptions, String cpus) {
        Map<String, String> properties = new HashMap<>(Map.of(
                "kafka.bootstrap.servers", bootstrap(),
                "taskpipe.topics.tasks", topics.tasks(),
                "taskpipe.topics.cpu-tasks", topics.cpuTasks(),
                "taskpipe.topics.results", topics.results(),
                "taskpipe.topics.dlq", topics.dlq(),
                "taskpipe.lanes.io.group", topics.prefix() + "-dispatcher",
                "taskpipe.lanes.cpu.group", topics.prefix() + "-cpu-worker",
                "quarkus.log.level", "WARN",
                "taskpipe.api.insecure", "true"));
        List<String> options = new ArrayList<>();
        if (smoke) { // a smoke run proves the suite works: its many starts skip the warm-up and run on the quick compiler alone
            properties.putAll(Map.of("taskpipe.lanes.io.warm-up", "0s", "taskpipe.lanes.cpu.warm-up", "0s"));
            options.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        }
        properties.putAll(settings);
        options.addAll(jvmOptions);
        // e.g. -Dbench.app-java-options=-XX:StartFlightRecording=filename=target/bench/%p.jfr records each arm's processes;
        // %n is the process's name, so -XX:AOTCacheOutput=DIR/%n.aot trains a cache per process that a later -XX:AOTCache=DIR/%n.aot uses
        options.addAll(List.of(System.getProperty("bench.app-java-options", "").split("\\s+")).stream().filter(o -> !o.isBlank())
                .map(o -> o.replace("%n", name)).toList());
        boolean writesAtExit = options.stream().anyMatch(o -> o.startsWith("-XX:StartFlightRecording") || o.startsWith("-XX:AOTCacheOutput"));
        AppProcess process = AppProcess.of(name, profile, properties, options, OUT.resolve("logs"));
        if (cpus != null) {
            process.pinnedTo(cpus);
        }
        running.add(() -> {
            if (!process.isAlive()) {
                return;
            }
            if (writesAtExit) { // a flight recording or an AOT cache is written on a clean exit only
                process.terminate(Duration.ofSeconds(30));
            } else {
                process.kill();
            }
        });
        starting.add(process.launch()); // an arm's processes start side by side
        armPids.add(process.pid());
        return process;
    }

    /** Another program of the test classpath (a baseline) as its own process. */
    JavaMain main(String name, Class<?> mainClass, String... args) {
        JavaMain main = new JavaMain(name, mainClass, List.of(args), OUT.resolve("logs")).start();
        running.add(main);
        armPids.add(main.pid());
        return main;
    }

    /**
     * Ends every process the arm started, so the next arm has the machine to itself. SIGKILL: a
     * graceful drain takes seconds, and nothing of an ended arm is read again (arms have their own topics).
     */
    void endArm() {
        for (AutoCloseable process : running.reversed()) {
            try {
                process.close();
            } catch (Exception e) {
                System.err.println("stopping a benchmark process failed: " + e);
            }
        }
        running.clear();
        starting.clear();
        armPids.clear();
    }

    /** CPU time the arm's own processes have used so far (the suite's JVM, with the broker, not among them). */
    Duration armCpu() {
        return armPids.stream().map(ProcessHandle::of).flatMap(Optional::stream)
                .map(process -> process.info().totalCpuDuration().orElse(Duration.ZERO))
                .reduce(Duration.ZERO, Duration::plus);
    }

    /** Waits until the arm's processes report ready: their lanes warmed up and joined their groups. */
    void awaitReady() {
        starting.forEach(AppProcess::awaitReady);
        starting.clear();
    }

    /**
     * Waits until the arm's processes report ready, then runs tasks through its pipeline until one comes
     * back: every consumer joined and every lane works.
     */
    void awaitAnswers(Topics topics, String type, ObjectNode params) throws InterruptedException {
        awaitReady();
        Scenario probe = new Scenario("probe", "", 1L, 0, Duration.ZERO,
                List.of(Scenario.Phase.burst(1)), List.of(new Scenario.MixEntry(type, 1.0, params, null)), List.of());
        if (!new LoadRun(probe, topics.target(bootstrap())).run(Duration.ofSeconds(60), run -> { }).drained()) {
            throw new IllegalStateException("arm " + topics.prefix() + ": no answer to a probe task within 60 s");
        }
    }

    /** The latency of an open-loop run at {@code rate} tasks/s, after a warm-up. */
    LoadRun.Outcome openLoop(Topics topics, String name, double rate, Duration warmup, Duration measured, int keys,
                             List<Scenario.MixEntry> mix) throws InterruptedException {
        Scenario scenario = new Scenario(name, "", 7L, keys, warmup,
                List.of(Scenario.Phase.steady(rate, warmup.plus(measured))), mix, List.of());
        return new LoadRun(scenario, topics.target(bootstrap())).run(Duration.ofSeconds(120), run -> { });
    }

    /** The JIT compilers' share of a core under which an arm counts as warm. */
    static final double QUIET_JIT = 0.05;
    static final Duration SETTLE_AT_MOST = Duration.ofSeconds(90);

    /**
     * Warms an arm's processes up until they are in their steady state: open-loop windows of 2 s at the
     * arm's rate until a window's p99 is within a quarter of the one before and the JIT compilers of the
     * arm's processes and of the suite's JVM (the broker's) used at most {@value #QUIET_JIT} of a core in it,
     * for at most {@link #SETTLE_AT_MOST} (one window in a smoke run). A fresh JVM that shares a core with the
     * broker and the load generator compiles for tens of seconds, and an arm measured meanwhile measured that.
     * Prints each window's p99 and its JIT share.
     */
    void settle(Topics topics, String arm, double rate, int keys, List<Scenario.MixEntry> mix) throws InterruptedException {
        List<Double> p99s = new ArrayList<>();
        List<Double> jit = new ArrayList<>();
        long deadline = System.nanoTime() + SETTLE_AT_MOST.toNanos();
        do {
            List<Long> pids = new ArrayList<>(armPids);
            pids.add(ProcessHandle.current().pid());
            Duration compiled = JitCompilers.cpu(pids);
            long start = System.nanoTime();
            p99s.add(OverheadGoal.ms(openLoop(topics, arm + "-settle-" + p99s.size(), rate, Duration.ZERO, Duration.ofSeconds(2), keys, mix)
                    .stats().latency(), 99));
            jit.add((double) JitCompilers.cpu(pids).minus(compiled).toNanos() / (System.nanoTime() - start));
        } while (!smoke && System.nanoTime() < deadline
                && (p99s.size() < 2 || p99s.getLast() > 1.25 * p99s.get(p99s.size() - 2)
                || p99s.get(p99s.size() - 2) > 1.25 * p99s.getLast() || jit.getLast() > QUIET_JIT));
        System.out.printf("  %s: settled in %d windows of 2 s, p99 %s ms, JIT %s of a core%n", arm, p99s.size(),
                p99s.stream().map(p99 -> String.format("%.0f", p99)).toList(),
                jit.stream().map(share -> String.format("%.2f", share)).toList());
    }

    /**
     * Warms the arm's processes up with a few seconds' worth of the same tasks (their JIT compiles
     * meanwhile, not while measured), then publishes a {@linkplain #backlog backlog} at once and collects
     * results until all are back or {@link #measure()} has passed since the last send; the rate is then
     * read over the steady middle ({@code stats().resultsPerSecond(0.2, 0.9)}).
     */
    LoadRun.Outcome drain(Topics topics, String name, double expectedRate, int keys, List<Scenario.MixEntry> mix)
            throws InterruptedException {
        long warmup = Math.max(1, Math.round(Math.min(expectedRate, 4000) * scale(3.0, 0.2)));
        burst(topics, name + "-warmup", warmup, keys, mix, Duration.ofSeconds(60));
        return burst(topics, name, backlog(expectedRate), keys, mix, measure());
    }

    private LoadRun.Outcome burst(Topics topics, String name, long tasks, int keys, List<Scenario.MixEntry> mix, Duration collect)
            throws InterruptedException {
        Scenario scenario = new Scenario(name, "", 7L, keys, Duration.ZERO,
                List.of(Scenario.Phase.burst(tasks)), mix, List.of());
        return new LoadRun(scenario, topics.target(bootstrap())).run(collect, run -> { });
    }

    static List<Scenario.MixEntry> sleeps(long millis) {
        return List.of(new Scenario.MixEntry("io.sleep", 1.0, JsonNodeFactory.instance.objectNode().put("millis", millis), null));
    }

    static ObjectNode params(String name, long value) {
        return JsonNodeFactory.instance.objectNode().put(name, value);
    }

    @Override
    public void close() {
        endArm();
        broker.close();
    }
}
