package io.taskpipe.topology;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskpipe.acl.KafkaAcls.Names;
import io.taskpipe.check.Checker;
import io.taskpipe.check.History;
import io.taskpipe.check.HistoryReader;
import io.taskpipe.check.Report;
import io.taskpipe.kafka.ClientSettings;
import io.taskpipe.kafka.TopicReader;
import io.taskpipe.load.LoadRun;
import io.taskpipe.load.TaskSender;
import io.taskpipe.testing.Pipeline;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A deployment in miniature for one scenario: dispatcher and cpu-worker processes on a broker, with
 * topics and consumer groups of their own (so scenarios never see each other's tasks), a load driver,
 * and the checker at the end.
 */
public final class Topology implements AutoCloseable {

    static final Path LOGS = Path.of("target", "topology");

    private final String scenario;
    private final String bootstrap;
    private final String prefix;
    private final Names names;
    private final Map<String, String> properties = new HashMap<>();
    private final List<AppProcess> processes = new ArrayList<>();
    /**
     * The scenarios prove what the processes do, not how fast: their many starts, side by side on what may be
     * two cores, run on the quick compiler alone and one GC thread, which about halves what a start costs.
     */
    private final List<String> jvmOptions = new ArrayList<>(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));

    public Topology(String scenario, String bootstrap, Path filesDir) {
        this.scenario = scenario;
        this.bootstrap = bootstrap;
        this.prefix = scenario + "-" + UUID.randomUUID().toString().substring(0, 6);
        this.names = new Names(prefix + ".tasks", prefix + ".tasks.cpu", prefix + ".results", prefix + ".dlq", prefix + ".workers",
                prefix + "-dispatcher", prefix + "-cpu-worker", Optional.empty());
        properties.put("kafka.bootstrap.servers", bootstrap);
        // a dead member is noticed after the broker's minimum session timeout, not the default 45 s
        properties.put("kafka.session.timeout.ms", "6000");
        properties.put("kafka.heartbeat.interval.ms", "1000");
        // the scenarios prove what the lanes do, not how fast they start: no warm-up before each of their many starts
        properties.put("taskpipe.lanes.io.warm-up", "0s");
        properties.put("taskpipe.lanes.cpu.warm-up", "0s");
        properties.putAll(names.settings());
        properties.put("taskpipe.files.base-dir", filesDir.toString());
        properties.put("taskpipe.api.insecure", "true"); // the scenarios are about lanes; AccessIT sets keys
    }

    /** Sets a property for every process started afterwards. */
    public Topology with(String key, String value) {
        properties.put(key, value);
        return this;
    }

    public String bootstrap() {
        return bootstrap;
    }

    /** The scenario's topics and consumer groups, its own. */
    public Names names() {
        return names;
    }

    /**
     * Creates one of the scenario's topics before any process does, with topic settings of the test's
     * (a broker that refuses large records on it, say).
     */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        try (Admin admin = Admin.create(kafka())) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs))).all().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create " + name, e);
        }
    }

    /** How far the lane's group has committed into {@code topic}, against the topic's end, per partition. */
    public Map<TopicPartition, long[]> committedAndEnd(String group, String topic) {
        try (Admin admin = Admin.create(kafka())) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            Map<TopicPartition, long[]> positions = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((tp, end) -> positions.put(tp, new long[] {
                    committed.containsKey(tp) ? committed.get(tp).offset() : 0, end.offset()}));
            return positions;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Task ids of this scenario start with this. */
    public String idPrefix() {
        return prefix + "-";
    }

    /** A scenario's processes: one dispatcher and its cpu-workers. */
    public record Deployment(AppProcess dispatcher, List<AppProcess> workers) {
    }

    /**
     * A dispatcher and cpu-workers named so, launched side by side (whoever starts first creates the
     * topics) and returned once every one reports ready: their starts overlap instead of adding up.
     */
    public Deployment deploy(String dispatcher, String... workers) {
        AppProcess launched = launch(dispatcher, "dispatcher");
        List<AppProcess> ready = workers(workers);
        return new Deployment(launched.awaitReady(), ready);
    }

    /** cpu-workers named so, launched side by side and returned once every one reports ready. */
    public List<AppProcess> workers(String... names) {
        List<AppProcess> launched = Arrays.stream(names).map(name -> launch(name, "cpu-worker")).toList();
        // each start compiles for seconds on every core it gets: a minute for every four started side by side
        Duration timeout = Duration.ofMinutes(Math.ceilDiv(names.length + 1, 4));
        launched.forEach(process -> process.awaitReady(timeout));
        return launched;
    }

    /** A dispatcher; like every process here a static group member named after it, so a restart takes its partitions back at once. */
    public AppProcess dispatcher(String name) {
        return launch(name, "dispatcher").awaitReady();
    }

    private AppProcess launch(String name, String profile) {
        return launch(name, profile, Map.of("taskpipe.lanes.instance-id", prefix + "-" + name), List.of());
    }

    /** Starts a stopped or killed process again, same name and settings, and waits until it is ready. */
    public AppProcess restart(AppProcess process) {
        return relaunch(process).start();
    }

    /** Starts a stopped or killed process again without waiting for it. */
    public AppProcess relaunchNoWait(AppProcess process) {
        return relaunch(process).launch();
    }

    private AppProcess relaunch(AppProcess process) {
        processes.remove(process);
        AppProcess again = process.copy();
        processes.add(again);
        return again;
    }

    public AppProcess start(String name, String profile, Map<String, String> extra) {
        return start(name, profile, extra, List.of());
    }

    public AppProcess start(String name, String profile, Map<String, String> extra, List<String> jvmOptions) {
        return launch(name, profile, extra, jvmOptions).awaitReady();
    }

    private AppProcess launch(String name, String profile, Map<String, String> extra, List<String> options) {
        Map<String, String> all = new HashMap<>(properties);
        all.putAll(extra);
        List<String> allOptions = new ArrayList<>(jvmOptions);
        allOptions.addAll(options);
        AppProcess process = new AppProcess(scenario + "-" + name, profile, all, allOptions, LOGS).launch();
        processes.add(process);
        return process;
    }

    /**
     * Runs {@code work} (a scenario's load, say) on a thread of its own, not in the common pool, which has
     * a single thread on a 2-core machine: anything else queued there would wait until the load ends.
     */
    public static CompletableFuture<Void> inBackground(Runnable work) {
        return CompletableFuture.runAsync(work, runnable -> Thread.ofPlatform().daemon().start(runnable));
    }

    /** Client settings of the scenario's broker. */
    public Map<String, Object> kafka() {
        return ClientSettings.bootstrap(bootstrap).toMap();
    }

    /**
     * The scenario's load, through the load tool's producer path: ids {@code <idPrefix>0, 1, ...} over
     * {@code keys} keys, the same for the same seed. One per scenario (their ids would collide).
     */
    public TaskSender load(int keys, long seed) {
        return new TaskSender(new LoadRun.Target(kafka(), names.tasks(), names.results(), names.dlq(), null), prefix, seed, keys);
    }

    /** The first result of each of these tasks, read from the beginning of the results topic. */
    public Map<String, JsonNode> results(Set<String> ids) {
        Map<String, JsonNode> byId = new HashMap<>();
        try (TopicReader reader = new TopicReader(kafka(), List.of(names.results()), TopicReader.From.BEGINNING)) {
            reader.readToEnd(record -> {
                JsonNode result = Pipeline.parse(record.value());
                if (ids.contains(result.path("taskId").asText())) {
                    byId.putIfAbsent(result.get("taskId").asText(), result);
                }
            });
        }
        return byId;
    }

    /** Every outcome of the tasks {@code load} published: the whole results and dead-letter topics, read to their end. */
    public History history(TaskSender load) {
        return history(load, Duration.ofSeconds(1));
    }

    private History history(TaskSender load, Duration settle) {
        Set<String> ids = new HashSet<>();
        load.produced().forEach(p -> ids.add(p.taskId()));
        return HistoryReader.read(kafka(), names.results(), names.dlq(), ids::contains, settle);
    }

    /** Final drain and judgement of the tasks {@code load} published; the report is printed and kept under target/. */
    public Report check(TaskSender load) {
        Report report = Checker.check(load.produced(), history(load, Duration.ofSeconds(3)));
        String text = report.format(scenario);
        System.out.println(text);
        try {
            Files.createDirectories(LOGS);
            Files.writeString(LOGS.resolve(scenario + ".report.txt"), text + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return report;
    }

    /**
     * Waits until every task {@code load} published has ended (a result or a dead letter), then judges the
     * run as every fault scenario does, nothing lost, nothing out of order, no key running twice at once; returns the report for
     * what a scenario asserts beyond that.
     */
    public Report judge(TaskSender load, Outcomes outcomes, Duration timeout) {
        outcomes.awaitAll(load.produced(), timeout);
        Report report = check(load);
        assertThat(report.lost()).as("lost").isZero();
        assertThat(report.orderViolations()).as("order violations").isZero();
        assertThat(report.overlappingRuns()).as("runs of one key overlapping").isZero();
        return report;
    }

    @Override
    public void close() {
        processes.stream().filter(AppProcess::isAlive).forEach(AppProcess::kill);
    }
}
