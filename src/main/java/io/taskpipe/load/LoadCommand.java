package io.taskpipe.load;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.taskpipe.check.Checker;
import io.taskpipe.check.History;
import io.taskpipe.check.HistoryReader;
import io.taskpipe.check.Produced;
import io.taskpipe.check.Report;
import io.taskpipe.cli.Durations;
import io.taskpipe.cli.KafkaOptions;
import io.taskpipe.contract.TaskJson;
import io.taskpipe.kafka.ClientSettings;
import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code load-tests/run.sh}: runs a scenario against a pipeline and reports. Exit status 0 when every
 * task got a result and the checker passed, 1 when not, 2 on bad usage.
 */
@Command(name = "run.sh", mixinStandardHelpOptions = true,
        description = "Runs a load-test scenario against taskpipe: live progress, then a summary, summary.json and report.html.")
public final class LoadCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "A scenario: a name from the scenario directory (smoke, mixed, ...) or a YAML/JSON file.")
    String scenario;

    @Mixin
    KafkaOptions.RunningOrLocal pipeline;

    @Option(names = "--http-url", description = "HTTP address of the pipeline, for ${http} in scenarios (default: the local pipeline's).")
    String httpUrl;

    @Option(names = "--tasks-topic", defaultValue = "taskpipe.tasks", description = "Default: ${DEFAULT-VALUE}.")
    String tasksTopic;

    @Option(names = "--out", description = "Directory for summary.json, report.html and produced.jsonl. Default: target/load/<scenario>-<time>.")
    Path out;

    @Option(names = "--rate-factor", defaultValue = "1", description = "Multiplies every rate of the scenario (default: ${DEFAULT-VALUE}).")
    double rateFactor;

    @Option(names = "--drain-timeout", defaultValue = "2m", converter = Durations.Converter.class,
            description = "After the last send, how long to wait for results (default: ${DEFAULT-VALUE}).")
    Duration drainTimeout;

    @Option(names = "--data-dir", description = "Where the scenario's files are created: the pipeline's taskpipe.files.base-dir. Default for a local pipeline: a new temporary directory.")
    Path dataDir;

    @Option(names = "--seed-data", description = "A directory whose files are copied into the data directory first (the repository's data/).")
    Path seedData;

    @Option(names = "--scenario-dir", defaultValue = "load-tests/scenarios", description = "Where scenario names are looked up (default: ${DEFAULT-VALUE}).")
    Path scenarioDir;

    @Option(names = "--jar", defaultValue = "target/quarkus-app/quarkus-run.jar", description = "The application a local pipeline runs (default: ${DEFAULT-VALUE}).")
    Path jar;

    @Option(names = "--pipeline-option", description = "A setting for the local pipeline, key=value (repeatable), e.g. taskpipe.lanes.io.max-in-flight=2000.")
    List<String> pipelineOptions = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Scenario loaded = Scenario.load(resolve(scenario)).withRates(rateFactor);
        Path outDir = out != null ? out : Path.of("target", "load", loaded.name() + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Files.createDirectories(outDir);
        Path files = dataDir != null ? dataDir : pipeline.bootstrapServers() == null ? Files.createTempDirectory("taskpipe-load-") : null;
        if (files != null) {
            prepareFiles(files, loaded);
        }
        LocalPipeline local = null;
        try {
            if (pipeline.bootstrapServers() == null) {
                System.out.printf("starting a local pipeline (embedded broker, dispatcher, 1 cpu-worker); its log: %s%n", outDir.resolve("pipeline.log"));
                local = LocalPipeline.start(jar, files, pipelineOptions, outDir.resolve("pipeline.log"), Duration.ofMinutes(2));
            }
            LoadRun.Target target = new LoadRun.Target(local != null ? ClientSettings.bootstrap(local.bootstrapServers()).toMap() : pipeline.kafka(),
                    tasksTopic, pipeline.resultsTopic(), pipeline.dlqTopic(), httpUrl != null ? httpUrl : local != null ? local.httpBase() : null);
            awaitPipeline(target);
            Summary summary = run(loaded, target, outDir, drainTimeout);
            System.out.println();
            System.out.print(summary.table());
            System.out.printf("%nwritten: %s, %s, %s%n", outDir.resolve("summary.json"), outDir.resolve("report.html"), outDir.resolve("produced.jsonl"));
            return summary.drained() && summary.checker().passed() ? 0 : 1;
        } finally {
            if (local != null) {
                local.close();
            }
        }
    }

    /** Runs the scenario, judges it with the checker and writes the report files. */
    static Summary run(Scenario scenario, LoadRun.Target target, Path outDir, Duration drainTimeout) throws Exception {
        LoadRun run = new LoadRun(scenario, target);
        System.out.printf("%s: %,d tasks over %.0f s (%s); run id %s%n", scenario.name(), run.schedule().count(),
                run.schedule().length().toMillis() / 1e3, scenario.description(), run.runId());
        ProgressLine progress = new ProgressLine(System.out, System.console() != null);
        LoadRun.Outcome outcome = run.run(drainTimeout, progress);
        progress.finish();
        if (run.firstSendError() != null) {
            System.out.printf("%,d sends failed; the first: %s%n", outcome.sendErrors(), run.firstSendError());
        }
        Set<String> ids = new HashSet<>();
        outcome.produced().forEach(p -> ids.add(p.taskId()));
        System.out.println("checking the run: reading the results and dead-letter topics to their end...");
        History history = HistoryReader.read(target.kafka(), target.resultsTopic(), target.dlqTopic(), ids::contains, Duration.ofSeconds(2));
        Report report = Checker.check(outcome.produced(), history);
        Summary summary = Summary.of(outcome, report);
        Files.write(outDir.resolve("summary.json"), TaskJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(summary));
        Files.writeString(outDir.resolve("report.html"), HtmlReport.render(summary, outcome.stats()));
        try (PrintStream lines = new PrintStream(Files.newOutputStream(outDir.resolve("produced.jsonl")))) {
            for (Produced p : outcome.produced()) {
                lines.println(TaskJson.MAPPER.writeValueAsString(Map.of("id", p.taskId(), "key", p.key(), "seq", p.seq())));
            }
        }
        return summary;
    }

    /** One computing task through the whole pipeline before the clock starts: the CPU lane is up, so is everything before it. */
    private static void awaitPipeline(LoadRun.Target target) throws InterruptedException {
        Scenario probe = new Scenario("probe", "readiness probe", 1L, 0, Duration.ZERO, List.of(Scenario.Phase.burst(1)),
                List.of(new Scenario.MixEntry("compute.sum", 1.0, JsonNodeFactory.instance.objectNode().put("n", 1), null)), List.of());
        LoadRun run = new LoadRun(probe, target);
        if (!run.run(Duration.ofMinutes(2), r -> { }).drained()) {
            throw new IllegalStateException("the pipeline at " + target.kafka().get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)
                    + " did not answer a probe task within 2 minutes (is a cpu-worker running?)");
        }
    }

    private Path resolve(String name) {
        Path direct = Path.of(name);
        if (Files.isRegularFile(direct)) {
            return direct;
        }
        for (String extension : List.of(".yaml", ".yml", ".json")) {
            Path candidate = scenarioDir.resolve(name + extension);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("no scenario '" + name + "': not a file, and not in " + scenarioDir + " (there: " + available() + ")");
    }

    private String available() {
        try (Stream<Path> files = Files.list(scenarioDir)) {
            return files.map(p -> p.getFileName().toString().replaceFirst("\\.(ya?ml|json)$", "")).sorted().toList().toString();
        } catch (IOException e) {
            return "nothing";
        }
    }

    private void prepareFiles(Path dir, Scenario loaded) throws IOException {
        Files.createDirectories(dir);
        if (seedData != null && Files.isDirectory(seedData)) {
            try (Stream<Path> seeds = Files.list(seedData)) {
                for (Path seed : seeds.filter(Files::isRegularFile).toList()) {
                    Files.copy(seed, dir.resolve(seed.getFileName().toString()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        createFiles(dir, loaded);
    }

    /** Creates the scenario's {@code files} in {@code dir}, the pipeline's base directory: random bytes from the scenario's seed. */
    public static void createFiles(Path dir, Scenario loaded) throws IOException {
        SplittableRandom random = new SplittableRandom(loaded.seed());
        byte[] buffer = new byte[1 << 16];
        for (Scenario.FileSpec file : loaded.files()) {
            Path target = dir.resolve(file.name()).normalize();
            if (!target.startsWith(dir.normalize())) {
                throw new IllegalArgumentException("scenario file name leaves the data directory: " + file.name());
            }
            Files.createDirectories(target.getParent());
            try (OutputStream output = Files.newOutputStream(target)) {
                for (long left = file.bytes(); left > 0; left -= buffer.length) {
                    random.nextBytes(buffer);
                    output.write(buffer, 0, (int) Math.min(buffer.length, left));
                }
            }
        }
    }

    public static void main(String[] args) {
        CommandLine command = new CommandLine(new LoadCommand());
        command.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
                cmd.getErr().println("run.sh: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        System.exit(command.execute(args));
    }
}
