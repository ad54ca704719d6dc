package io.taskpipe.bench;

import io.taskpipe.contract.TaskJson;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code load-tests/bench.sh}: the benchmark suite. Runs every goal's arms on this machine, one
 * after another on one broker, and prints each goal with its measured ratio against a baseline of
 * the same run and PASS/FAIL; writes {@code target/bench/report.md} and {@code results.json}.
 */
@Command(name = "bench.sh", mixinStandardHelpOptions = true,
        description = "Runs taskpipe's benchmark suite: every figure a ratio against a baseline measured in the same run.")
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--smoke", description = "Seconds-long arms: proves the suite runs, measures nothing worth quoting.")
    boolean smoke;

    @Option(names = "--only", split = ",", description = "Run only these goals, e.g. --only G1,G5 (G1-G11, G11R for G11's rescaling alone, GIL).")
    Set<String> only;

    @Option(names = "--out", defaultValue = "target/bench", description = "Where the report goes (default: ${DEFAULT-VALUE}).")
    Path out;

    @FunctionalInterface
    private interface Goal {
        List<Finding> run(Bench bench) throws Exception;
    }

    @Override
    public Integer call() throws Exception {
        Map<String, Goal> goals = new LinkedHashMap<>();
        goals.put("G1", OverheadGoal::run);
        goals.put("G2", IoEfficiencyGoal::run); // G2 and G3 share their arms
        goals.put("G4", ParallelConsumerGoal::run);
        goals.put("G5", IsolationGoal::run);
        goals.put("G6", CpuScalingGoal::run);
        goals.put("G7", OrderingCostGoal::run);
        goals.put("G8", RoutingGoal::run);
        goals.put("G9", LatencyFloorGoal::run);
        goals.put("G10", ThroughputCeilingGoal::run);
        goals.put("G11", ColdStartGoal::run);
        goals.put("G11R", RescaleGoal::run); // G11's rescaling, selectable on its own
        goals.put("G12", ShareScalingGoal::run);
        List<Finding> findings = new ArrayList<>();
        List<GilExperiment.Row> gil = List.of();
        long start = System.nanoTime();
        Files.createDirectories(out);
        try (Bench bench = new Bench(smoke)) {
            for (Map.Entry<String, Goal> goal : goals.entrySet()) {
                if (selected(goal.getKey()) || goal.getKey().equals("G2") && selected("G3")) {
                    long goalStart = System.nanoTime();
                    System.out.printf("== %s ==%n", goal.getKey());
                    findings.addAll(goal.getValue().run(bench));
                    System.out.printf("   (%.0f s)%n", (System.nanoTime() - goalStart) / 1e9);
                }
            }
            if (selected("GIL")) {
                System.out.println("== the seeds' experiment: threads vs processes ==");
                gil = GilExperiment.run(bench);
            }
        }
        double minutes = (System.nanoTime() - start) / 60e9;
        String report = report(findings, gil, minutes);
        System.out.println();
        System.out.println(report);
        Files.writeString(out.resolve("report.md"), report);
        Files.write(out.resolve("results.json"), TaskJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(Map.of(
                "machine", machine(), "smoke", smoke, "minutes", minutes, "findings", findings, "gil", gil)));
        System.out.printf("written: %s, %s%n", out.resolve("report.md"), out.resolve("results.json"));
        return 0;
    }

    private boolean selected(String goal) {
        return only == null || only.stream().anyMatch(g -> g.equalsIgnoreCase(goal));
    }

    private String report(List<Finding> findings, List<GilExperiment.Row> gil, double minutes) {
        StringBuilder md = new StringBuilder();
        Map<String, String> machine = machine();
        md.append(String.format("Machine: %s, %s cores, %s; %s. Suite: %.1f minutes%s.%n%n", machine.get("cpu"), machine.get("cores"),
                machine.get("jdk"), machine.get("date"), minutes, smoke ? " (SMOKE RUN: figures mean nothing)" : ""));
        md.append("| goal | claim | measured | figure | target | verdict |\n|---|---|---|---|---|---|\n");
        for (Finding f : findings) {
            md.append(String.format("| %s | %s | %s | %.2f | %s | %s |%n", f.goal(), f.claim(), f.measured(), f.ratio(), f.target(), f.verdict()));
        }
        if (!gil.isEmpty()) {
            md.append("\n| the seeds' experiment | one after another | at once | speedup |\n|---|---|---|---|\n");
            for (GilExperiment.Row row : gil) {
                md.append(String.format("| %s | %.2f s | %.2f s | %.2f × |%n", row.what(), row.serialS(), row.parallelS(), row.speedup()));
            }
        }
        long passed = findings.stream().filter(f -> Boolean.TRUE.equals(f.pass())).count();
        long judged = findings.stream().filter(f -> f.pass() != null).count();
        md.append(String.format("%n%d of %d judged goals PASS.%n", passed, judged));
        return md.toString();
    }

    static Map<String, String> machine() {
        String cpu = "unknown CPU";
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            cpu = lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(cpu);
        } catch (IOException e) {
            // not Linux: say so
        }
        Map<String, String> machine = new LinkedHashMap<>();
        machine.put("cpu", cpu);
        machine.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        machine.put("jdk", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.version"));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        machine.put("date", LocalDate.now().toString());
        return machine;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchCommand()).execute(args));
    }
}
