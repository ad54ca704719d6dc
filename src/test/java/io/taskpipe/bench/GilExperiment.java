package io.taskpipe.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskpipe.contract.TaskJson;
import io.taskpipe.load.LoadRun;
import io.taskpipe.load.Scenario;
import io.taskpipe.tasks.TaskContext;
import io.taskpipe.tasks.cpu.SumTask;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The seeds' experiment, reproduced: Python's ThreadPoolExecutor and ProcessPoolExecutor on three
 * waits of 2 s and fifteen sums of range(10,000,000) ({@code load-tests/gil/threads_vs_processes.py}),
 * next to taskpipe's IO lane and CPU lane on the equivalent tasks ({@code io.sleep 2000},
 * {@code compute.sum 10^7}), each as a speedup over running the same jobs one after another. For
 * taskpipe "one after another" is the same tasks on a single key, which the lanes run serially.
 * <p>Java sums 10^7 about 50 × faster than CPython, so the pipeline's fixed latency weighs on that
 * row; a second CPU row scales n so that one task takes as long as one Python sum did.
 */
final class GilExperiment {

    private GilExperiment() {
    }

    /** Speedups, by row name: serial seconds / parallel seconds. */
    record Row(String what, double serialS, double parallelS) {
        double speedup() {
            return serialS / parallelS;
        }
    }

    static List<Row> run(Bench bench) throws IOException, InterruptedException {
        List<Row> rows = new ArrayList<>();
        JsonNode python = python(bench.smoke());
        JsonNode wait = python.get("wait");
        JsonNode compute = python.get("compute");
        String waits = wait.get("jobs").asInt() + " waits of " + wait.get("seconds_each").asDouble() + " s";
        String sums = compute.get("jobs").asInt() + " sums of range(" + compute.get("n").asLong() + ")";
        rows.add(new Row("Python ThreadPoolExecutor, " + waits, wait.get("serial").asDouble(), wait.get("threads").asDouble()));
        rows.add(new Row("Python ProcessPoolExecutor, " + waits, wait.get("serial").asDouble(), wait.get("processes").asDouble()));
        rows.add(new Row("Python ThreadPoolExecutor, " + sums, compute.get("serial").asDouble(), compute.get("threads").asDouble()));
        rows.add(new Row("Python ProcessPoolExecutor, " + sums, compute.get("serial").asDouble(), compute.get("processes").asDouble()));

        Bench.Topics topics = bench.topics("gil-taskpipe");
        bench.dispatcher(topics, Map.of(), List.of(), null);
        bench.worker(topics, "worker", Map.of("taskpipe.lanes.cpu.slots", "2"), List.of(), null); // the row names its 2 slots
        bench.awaitAnswers(topics, "compute.sum", Bench.params("n", 1));
        int waitJobs = wait.get("jobs").asInt();
        long waitMillis = Math.round(wait.get("seconds_each").asDouble() * 1000);
        rows.add(taskpipe(bench, topics, "taskpipe IO lane (virtual threads), " + waitJobs + " × io.sleep " + waitMillis + " ms",
                waitJobs, "io.sleep", Bench.params("millis", waitMillis)));
        int sumJobs = compute.get("jobs").asInt();
        long n = compute.get("n").asLong();
        rows.add(taskpipe(bench, topics, "taskpipe CPU lane (1 worker, 2 slots), " + sumJobs + " × compute.sum " + n,
                sumJobs, "compute.sum", Bench.params("n", n)));
        double pythonSumS = compute.get("serial").asDouble() / sumJobs;
        long scaled = Math.round(n * pythonSumS / javaSumSeconds(n));
        rows.add(taskpipe(bench, topics, "taskpipe CPU lane, " + sumJobs + " × compute.sum " + scaled + " (as long as one Python sum)",
                sumJobs, "compute.sum", Bench.params("n", scaled)));
        bench.endArm();
        return rows;
    }

    private static Row taskpipe(Bench bench, Bench.Topics topics, String what, int jobs, String type, com.fasterxml.jackson.databind.node.ObjectNode params)
            throws InterruptedException {
        double serial = seconds(bench, topics, jobs, 1, type, params);
        double parallel = seconds(bench, topics, jobs, 0, type, params);
        System.out.printf("  %s: serial %.2f s, parallel %.2f s%n", what, serial, parallel);
        return new Row(what, serial, parallel);
    }

    /** Publishes {@code jobs} tasks at once (on one key, or a key each) and times until the last result. */
    private static double seconds(Bench bench, Bench.Topics topics, int jobs, int keys, String type,
                                  com.fasterxml.jackson.databind.node.ObjectNode params) throws InterruptedException {
        Scenario scenario = new Scenario("gil", "", 1L, keys, Duration.ZERO,
                List.of(Scenario.Phase.burst(jobs)), List.of(new Scenario.MixEntry(type, 1.0, params, null)), List.of());
        LoadRun.Outcome outcome = new LoadRun(scenario, topics.target(bench.bootstrap())).run(Duration.ofMinutes(2), run -> { });
        return outcome.stats().lastArrivalNanos() / 1e9;
    }

    private static double javaSumSeconds(long n) {
        SumTask task = new SumTask();
        TaskContext context = new TaskContext(Instant.now().plus(Duration.ofHours(1)));
        for (int i = 0; i < 20; i++) {
            task.run(new SumTask.Params(n), context);
        }
        long start = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            task.run(new SumTask.Params(n), context);
        }
        return (System.nanoTime() - start) / 1e9 / 20;
    }

    private static JsonNode python(boolean smoke) throws IOException, InterruptedException {
        Path script = Path.of("load-tests", "gil", "threads_vs_processes.py");
        List<String> command = new ArrayList<>(List.of("python3", script.toString()));
        if (smoke) {
            command.add("--smoke");
        }
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IllegalStateException("python3 " + script + " failed (exit " + process.exitValue() + ")");
        }
        return TaskJson.MAPPER.readTree(output);
    }
}
