package io.taskpipe.topology;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskpipe.check.Report;
import io.taskpipe.load.Scenario.Phase;
import io.taskpipe.load.TaskSender;
import io.taskpipe.testing.KafkaBroker;
import io.taskpipe.testing.Pipeline;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Only measurement tells which is which: a type is declared on the wrong lane with a hint, its first runs
 * measure what it does, and routing moves it while its keys are busy. Each run must end like any other
 * (nothing lost, nothing out of order, no key running twice at once, judged by the checker), and across
 * the move each key's tasks of the type must still run one after another in {@code seq} order, whichever
 * lane ran them.
 */
class RoutingIT {

    /**
     * {@code compute.sum} hinted onto the IO lane, a burst of it on 8 keys, each with dozens of tasks queued
     * when its first runs on the dispatcher's virtual threads measure as computing. Waiting tasks on the same
     * keys stay where they are, measured as waiting.
     */
    @Test
    void aComputingTypeHintedOntoTheIoLaneMovesToTheCpuLaneByMeasurementKeepingEachKeysOrder() {
        try (Topology topology = new Topology("routing", KafkaBroker.broker().bootstrapServers(), KafkaBroker.filesDir())
                .with("taskpipe.routing.hint.\"compute.sum\"", "IO")) {
            Topology.Deployment deployment = topology.deploy("dispatcher", "worker");
            try (TaskSender load = topology.load(8, 13); Outcomes outcomes = new Outcomes(topology)) {
                load.run(List.of(Phase.burst(200)), List.of(
                        Mixes.entry("compute.sum", 9, "n", Mixes.between(60_000_000, 179_999_999)),
                        Mixes.entry("io.sleep", 1, "millis", Mixes.between(5, 20))));
                Report report = topology.judge(load, outcomes, Duration.ofSeconds(120));
                assertThat(report.unexpected()).isZero();

                Set<String> ids = new HashSet<>();
                load.produced().forEach(p -> ids.add(p.taskId()));
                List<JsonNode> results = new ArrayList<>(topology.results(ids).values());
                List<JsonNode> sums = results.stream().filter(r -> r.get("type").asText().equals("compute.sum")).toList();
                List<JsonNode> onCpu = sums.stream().filter(r -> r.get("lane").asText().equals("CPU")).toList();
                List<JsonNode> onIo = sums.stream().filter(r -> r.get("lane").asText().equals("IO")).toList();
                System.out.printf("routing: compute.sum ran %d times on the IO lane before the move, %d on the CPU lane after it%n",
                        onIo.size(), onCpu.size());

                assertThat(onIo).as("the first runs, on the hinted lane, measured").isNotEmpty().allSatisfy(r -> {
                    assertThat(r.at("/routing/declared").asText()).isEqualTo("IO");
                    assertThat(r.at("/routing/reason").asText()).isEqualTo("DECLARED");
                    assertThat(r.at("/timing/cpuMs").isNumber()).as("cpuMs of a virtual thread").isTrue();
                });
                assertThat(onCpu).as("moved by measurement").hasSizeGreaterThan(onIo.size()).allSatisfy(r -> {
                    assertThat(r.at("/routing/declared").asText()).isEqualTo("IO");
                    assertThat(r.at("/routing/chosen").asText()).isEqualTo("CPU");
                    assertThat(r.at("/routing/reason").asText()).isEqualTo("MEASURED");
                    assertThat(r.at("/routing/ratio").asDouble()).as("above to-io-below, or it would move back").isGreaterThan(0.02);
                    assertThat(r.at("/timing/cpuMs").isNumber()).isTrue();
                });
                Instant firstOnCpu = onCpu.stream().map(RoutingIT::startedAt).min(Comparator.naturalOrder()).orElseThrow();
                assertThat(onIo).as("no compute.sum starts on the IO lane once the type has moved")
                        .allSatisfy(r -> assertThat(startedAt(r)).isBefore(firstOnCpu));
                assertThat(outOfOrderAcrossLanes(sums)).as("a key's compute.sum tasks out of order or overlapping across the move").isZero();

                List<JsonNode> sleeps = results.stream().filter(r -> r.get("type").asText().equals("io.sleep")).toList();
                assertThat(sleeps).isNotEmpty().allSatisfy(r -> {
                    assertThat(r.get("lane").asText()).isEqualTo("IO");
                    // the process's first runs load classes (a run of the suite saw 5.7 ms); none computes for long
                    assertThat(r.at("/timing/cpuMs").asDouble()).as("CPU time of a sleep").isLessThan(20);
                });
                double[] sleepCpu = sleeps.stream().mapToDouble(r -> r.at("/timing/cpuMs").asDouble()).sorted().toArray();
                assertThat(sleepCpu[sleepCpu.length / 2]).as("median CPU time of a sleep, ms").isLessThan(0.5);
                JsonNode type = typeView(deployment.dispatcher(), "compute.sum");
                assertThat(type.get("lane").asText()).isEqualTo("CPU");
                assertThat(type.get("reason").asText()).isEqualTo("MEASURED");
                assertThat(type.at("/lastMove/to").asText()).isEqualTo("CPU");
                assertThat(deployment.dispatcher().metricSum("taskpipe_routing_moves_total", "type=\"compute.sum\"")).isEqualTo(1);
            }
        }
    }

    /**
     * {@code io.sleep} hinted onto the CPU lane, sent faster than the one worker's two slots can sleep: when
     * its first runs there measure as waiting and it moves back to the IO lane, each key still has tasks
     * queued at the worker, and its next task on the IO lane must wait for them.
     */
    @Test
    void aWaitingTypeHintedOntoTheCpuLaneMovesToTheIoLaneAfterItsKeysTasksThereFinished() {
        try (Topology topology = new Topology("routing-back", KafkaBroker.broker().bootstrapServers(), KafkaBroker.filesDir())
                .with("taskpipe.routing.hint.\"io.sleep\"", "CPU")
                .with("taskpipe.lanes.cpu.slots", "2")) {
            Topology.Deployment deployment = topology.deploy("dispatcher", "worker");
            try (TaskSender load = topology.load(8, 17); Outcomes outcomes = new Outcomes(topology)) {
                load.run(List.of(Phase.steady(100, Duration.ofSeconds(5))), List.of(Mixes.entry("io.sleep", 1, "millis", Mixes.between(20, 40))));
                topology.judge(load, outcomes, Duration.ofSeconds(120));

                Set<String> ids = new HashSet<>();
                load.produced().forEach(p -> ids.add(p.taskId()));
                List<JsonNode> sleeps = new ArrayList<>(topology.results(ids).values());
                List<JsonNode> onCpu = sleeps.stream().filter(r -> r.get("lane").asText().equals("CPU")).toList();
                List<JsonNode> onIo = sleeps.stream().filter(r -> r.get("lane").asText().equals("IO")).toList();
                System.out.printf("routing back: io.sleep ran %d times on the CPU lane before the move, %d on the IO lane after it%n",
                        onCpu.size(), onIo.size());
                assertThat(onCpu).isNotEmpty().allSatisfy(r -> assertThat(r.at("/routing/reason").asText()).isEqualTo("DECLARED"));
                assertThat(onIo).as("moved by measurement").isNotEmpty().allSatisfy(r -> {
                    assertThat(r.at("/routing/declared").asText()).isEqualTo("CPU");
                    assertThat(r.at("/routing/reason").asText()).isEqualTo("MEASURED");
                });
                assertThat(outOfOrderAcrossLanes(sleeps)).as("a key's io.sleep tasks out of order or overlapping across the move").isZero();
                assertThat(typeView(deployment.dispatcher(), "io.sleep").get("lane").asText()).isEqualTo("IO");
            }
        }
    }

    /** Per key, the runs of one type sorted by start, whatever lane ran them: each must start after the previous one finished, in seq order. */
    private static long outOfOrderAcrossLanes(List<JsonNode> runs) {
        Map<String, List<JsonNode>> byKey = new HashMap<>();
        runs.forEach(r -> byKey.computeIfAbsent(r.get("key").asText(), k -> new ArrayList<>()).add(r));
        long violations = 0;
        for (List<JsonNode> keyed : byKey.values()) {
            keyed.sort(Comparator.comparing(RoutingIT::startedAt));
            for (int i = 1; i < keyed.size(); i++) {
                JsonNode previous = keyed.get(i - 1);
                JsonNode current = keyed.get(i);
                if (current.get("seq").asLong() < previous.get("seq").asLong()
                        || startedAt(current).isBefore(Instant.parse(previous.at("/timing/finishedAt").asText()))) {
                    violations++;
                }
            }
        }
        return violations;
    }

    private static Instant startedAt(JsonNode result) {
        return Instant.parse(result.at("/timing/startedAt").asText());
    }

    private static JsonNode typeView(AppProcess dispatcher, String type) {
        for (JsonNode view : Pipeline.parse(dispatcher.get("/types").getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
            if (view.get("type").asText().equals(type)) {
                return view;
            }
        }
        throw new AssertionError(type + " missing from GET /types");
    }
}
