package io.taskpipe.check;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskpipe.cli.Durations;
import io.taskpipe.cli.KafkaOptions;
import io.taskpipe.contract.TaskJson;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code load-tests/check.sh}: the checker as a command. Exit status 0 when the run passed, 1 when not. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Drains taskpipe's results and dead letters and judges a run: lost, duplicated and out-of-order tasks, latency.")
public final class CheckCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions.Running pipeline;

    @Option(names = "--produced", required = true,
            description = "The run's tasks, one JSON object per line with id, and key and seq when it had them.")
    Path produced;

    @Option(names = "--json", description = "Also write the report as JSON to this file.")
    Path json;

    @Option(names = "--settle", defaultValue = "5s", converter = Durations.Converter.class,
            description = "Keep reading until nothing new arrived for this long (default: ${DEFAULT-VALUE}).")
    Duration settle;

    @Override
    public Integer call() throws Exception {
        List<Produced> tasks = new ArrayList<>();
        for (String line : Files.readAllLines(produced)) {
            if (!line.isBlank()) {
                JsonNode task = TaskJson.MAPPER.readTree(line);
                tasks.add(new Produced(task.get("id").asText(), task.path("key").asText(task.get("id").asText()),
                        task.path("seq").isIntegralNumber() ? task.get("seq").asLong() : null));
            }
        }
        Set<String> ids = new HashSet<>();
        tasks.forEach(t -> ids.add(t.taskId()));
        History history = HistoryReader.read(pipeline.kafka(), pipeline.resultsTopic(), pipeline.dlqTopic(), ids::contains, settle);
        Report report = Checker.check(tasks, history);
        System.out.println(report.format("taskpipe checker: " + produced.getFileName()));
        if (json != null) {
            Files.write(json, TaskJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(report));
        }
        return report.passed() ? 0 : 1;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new CheckCommand()).execute(args));
    }
}
