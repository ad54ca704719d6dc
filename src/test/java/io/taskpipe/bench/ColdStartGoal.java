package io.taskpipe.bench;

import io.taskpipe.load.LoadCommand;
import io.taskpipe.load.LoadRun;
import io.taskpipe.load.RunStats;
import io.taskpipe.load.Scenario;
import io.taskpipe.topology.AppProcess;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * G11, cold start: the mixed scenario ({@code load-tests/scenarios/mixed.yaml}: 80 % waiting, 20 %
 * computing work at 200 tasks/s over 500 keys) sent from the moment a fresh dispatcher and cpu-worker
 * report ready, with no probe task and no warm-up run before it. The p99 of the results that arrive in
 * the first 10 s against the p99 of those that arrive in the scenario's last 20 s (of 60). Goal: at most 2 ×,
 * with the lanes' default warm-up. Reported: the same with the warm-up off, and each arm's time from
 * launch to ready.
 */
final class ColdStartGoal {

    private static final Path SCENARIO = Path.of("load-tests", "scenarios", "mixed.yaml");
    private static final int FIRST_SECONDS = 10;
    private static final int STEADY_SECONDS = 20;

    /** What one arm measured: p99s in ms, time to ready in s. */
    private record Arm(double firstP99, double steadyP99, double readySeconds) {
        double ratio() {
            return firstP99 / steadyP99;
        }

        String measured() {
            return String.format("p99 of the first %d s %.0f ms, of the last %d s %.0f ms; ready %.1f s after launch",
                    FIRST_SECONDS, firstP99, STEADY_SECONDS, steadyP99, readySeconds);
        }
    }

    private ColdStartGoal() {
    }

    static List<Finding> run(Bench bench) throws Exception {
        Arm warmedUp = arm(bench, "g11-warm-up", null);
        List<Finding> findings = new ArrayList<>(List.of(Finding.atMost("G11",
                "mixed scenario from the moment of readiness: p99 of the first 10 s / p99 of the last 20 s (lanes warmed up, the default)",
                warmedUp.measured(), warmedUp.ratio(), 2)));
        if (!bench.smoke()) {
            Arm cold = arm(bench, "g11-no-warm-up", "0s");
            findings.add(Finding.reported("G11", "the same with the lanes' warm-up off (warm-up=0s)", cold.measured(), cold.ratio()));
        }
        return findings;
    }

    /** A fresh dispatcher and cpu-worker, the scenario sent as soon as both are ready; {@code warmUp} null keeps the default. */
    private static Arm arm(Bench bench, String name, String warmUp) throws Exception {
        Scenario mixed = Scenario.load(SCENARIO);
        Scenario.Phase phase = mixed.phases().getFirst();
        int seconds = bench.scale((int) phase.duration().toSeconds(), 14);
        Scenario scenario = new Scenario(name, mixed.description(), mixed.seed(), mixed.keys(), Duration.ZERO,
                List.of(Scenario.Phase.steady(phase.rate(), Duration.ofSeconds(seconds))), mixed.mix(), mixed.files());
        Path files = Files.createTempDirectory("taskpipe-" + name + "-");
        LoadCommand.createFiles(files, scenario);
        Map<String, String> settings = new HashMap<>(Map.of("taskpipe.files.base-dir", files.toString(),
                "taskpipe.urls.allow-loopback", "true")); // the scenario fetches from the dispatcher itself
        if (warmUp != null) {
            settings.putAll(Map.of("taskpipe.lanes.io.warm-up", warmUp, "taskpipe.lanes.cpu.warm-up", warmUp));
        }
        Bench.Topics topics = bench.topics(name);
        long launched = System.nanoTime();
        AppProcess dispatcher = bench.dispatcher(topics, settings, List.of(), null);
        bench.worker(topics, "worker", settings, List.of(), null);
        bench.awaitReady();
        double ready = (System.nanoTime() - launched) / 1e9;
        String http = dispatcher.uri("").toString();
        LoadRun.Target target = topics.target(bench.bootstrap());
        RunStats stats = new LoadRun(scenario, new LoadRun.Target(target.kafka(), target.tasksTopic(), target.resultsTopic(), target.dlqTopic(),
                http)).run(Duration.ofSeconds(60), run -> { }).stats();
        bench.endArm();
        Arm arm = new Arm(OverheadGoal.ms(stats.latencyArrivedIn(0, FIRST_SECONDS), 99),
                OverheadGoal.ms(stats.latencyArrivedIn(Math.max(FIRST_SECONDS, seconds - STEADY_SECONDS), seconds), 99), ready);
        System.out.printf("  %s: %s%n", name, arm.measured());
        return arm;
    }
}
