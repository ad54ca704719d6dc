package io.taskpipe.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskpipe.contract.TaskJson;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * G8, routing by measurement: G5's setup, but the computing type ({@code compute.sha256}) is only declared
 * on the IO lane ({@code taskpipe.routing.hint}), neither pinned nor routed by hand. The idle arms run
 * first and last, and their histograms are merged. With {@code ADAPTIVE}
 * routing the dispatcher measures its first runs on its virtual threads, moves the type to the CPU lane,
 * and the waiting tasks' p99 stays within 1.5 × the idle arm's; the type must move within 2 s of the
 * stream's first task. The control arm is the same with {@code DECLARED} routing: nothing moves, and the
 * p99 must show the interference (≥ 5 × idle), or the harness could not see what routing spares.
 */
final class RoutingGoal {

    private static final Map<String, String> HINTED = Map.of("taskpipe.routing.hint.\"compute.sha256\"", "IO");

    private RoutingGoal() {
    }

    static List<Finding> run(Bench bench) throws InterruptedException {
        if (Cpus.available() < 2) {
            return List.of(new Finding("G8", "routing needs 2 cores to pin the lanes apart", "only " + Cpus.available(), Double.NaN, "-", false));
        }
        int cores = Cpus.available();
        double cpuRate = 1.5 * IsolationGoal.oneCoreRate();
        Cpus.pinThisProcess("0");
        try {
            // idle, routed, control, idle: as in G5, neither side profits from a broker that warmed up meanwhile
            Histogram idleLatency = IsolationGoal.arm(bench, "g8-cpu-idle-1", 0, HINTED, false).latency();
            IsolationGoal.Arm adaptive = IsolationGoal.arm(bench, "g8-adaptive", cpuRate, HINTED, false);
            Map<String, String> declared = new HashMap<>(HINTED);
            declared.put("taskpipe.routing.mode", "DECLARED");
            Histogram control = IsolationGoal.arm(bench, "g8-control-declared", cpuRate, declared, true).latency();
            if (!bench.smoke()) {
                idleLatency.add(IsolationGoal.arm(bench, "g8-cpu-idle-2", 0, HINTED, false).latency());
            }

            double idle = OverheadGoal.ms(idleLatency, 99);
            double routed = OverheadGoal.ms(adaptive.latency(), 99);
            double unrouted = OverheadGoal.ms(control, 99);
            JsonNode sha256 = type(adaptive.types(), "compute.sha256");
            JsonNode move = sha256.path("lastMove");
            boolean moved = !move.isMissingNode() && !move.isNull();
            Instant movedAt = moved ? Instant.parse(move.get("at").asText()) : adaptive.typesAt(); // never: at least the whole arm
            double movedAfterS = Duration.between(adaptive.streamStart(), movedAt).toNanos() / 1e9;
            String io = String.format("io.sleep %d ms at %.0f/s", IsolationGoal.IO_WAIT_MS, IsolationGoal.IO_RATE);
            return List.of(
                    Finding.atMost("G8", "IO p99 with a computing type hinted onto the IO lane, routed by measurement / idle (" + io + ")",
                            String.format("p99 %.1f ms routed, %.1f ms idle", routed, idle), routed / idle, 1.5),
                    Finding.atMost("G8", "seconds from the computing stream's first task to the type's move to the CPU lane",
                            !moved ? "it never moved" : move.path("running").asBoolean()
                                    ? String.format("moved by a run still in progress, at %.0f ms of CPU, CPU/wall %.2f",
                                    move.get("meanCpuMs").asDouble(), move.get("ratio").asDouble())
                                    : String.format("moved at CPU/wall %.2f after %d runs",
                                    move.get("ratio").asDouble(), move.get("samples").asLong()), movedAfterS, 2),
                    Finding.atLeast("G8", "control: the same with routing DECLARED / idle",
                            String.format("p99 %.1f ms, idle %.1f ms", unrouted, idle), unrouted / idle, 5));
        } finally {
            Cpus.pinThisProcess("0-" + (cores - 1));
        }
    }

    private static JsonNode type(String types, String name) {
        try {
            for (JsonNode view : TaskJson.MAPPER.readTree(types)) {
                if (view.path("type").asText().equals(name)) {
                    return view;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("GET /types answered " + types, e);
        }
        throw new IllegalStateException(name + " missing from GET /types: " + types);
    }
}
