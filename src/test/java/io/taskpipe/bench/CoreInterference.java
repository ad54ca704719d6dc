package io.taskpipe.bench;

import io.taskpipe.contract.Lane;
import io.taskpipe.contract.ResultSummary;
import io.taskpipe.contract.TaskJson;
import io.taskpipe.contract.TaskResult;
import io.taskpipe.contract.TaskResult.Timing;
import io.taskpipe.tasks.TaskContext;
import io.taskpipe.tasks.cpu.Sha256Task;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What computing on one core costs work on the other, outside taskpipe: a dispatcher's kind of work
 * (a result's JSON written and read back) in a loop on core 0, with core 1 idle and with core 1 running
 * G5's computing task ({@code compute.sha256}) in a process of its own, alternated so that neither side
 * profits from drift. On a virtual machine the two cores may share a physical core's caches or be its two
 * hyper-threads; then no placement of taskpipe's processes can keep G5's waiting tasks from feeling it.
 */
final class CoreInterference {

    private CoreInterference() {
    }

    /** The loop's rate on core 0 with core 1 idle, over its rate with core 1 computing; call with this JVM pinned to core 0. */
    static double slowdown(Duration window, int rounds) throws InterruptedException {
        Probe probe = new Probe();
        probe.rate(window); // warm-up
        double idle = 0, busy = 0;
        for (int round = 0; round < rounds; round++) {
            idle += probe.rate(window);
            try (JavaMain burner = new JavaMain("g5-core-1-computing-" + round, Burner.class,
                    List.of(Integer.toString(IsolationGoal.MEBIBYTES)), Bench.OUT.resolve("logs")).pinnedTo("1").start()) {
                burner.awaitLine(Burner.COMPUTING, Duration.ofSeconds(30)); // its JVM's start is not measured
                busy += probe.rate(window);
            }
        }
        System.out.printf("  core 0 loop: %.0f/s with core 1 idle, %.0f/s with core 1 computing%n", idle / rounds, busy / rounds);
        return idle / busy;
    }

    /** A result's JSON written and read back, as a dispatcher does for every task it settles. */
    private static final class Probe {
        private final TaskResult result = TaskResult.about("probe-1", "io.sleep", "key-1", 1L).succeeded(null).lane(Lane.IO, 1)
                .timing(Timing.of(Instant.now(), Instant.now(), Instant.now(), Instant.now(), 50_000, 0)).build();

        double rate(Duration window) {
            long done = 0;
            long start = System.nanoTime(), end = start + window.toNanos();
            while (System.nanoTime() < end) {
                for (int i = 0; i < 100; i++) {
                    if (ResultSummary.read(TaskJson.write(result)) != null) {
                        done++;
                    }
                }
            }
            return done / ((System.nanoTime() - start) / 1e9);
        }
    }

    /** Computes {@code compute.sha256} of the given mebibytes back to back until it is killed. */
    static final class Burner {
        static final String COMPUTING = "computing";

        public static void main(String[] args) {
            Sha256Task task = new Sha256Task();
            TaskContext context = new TaskContext(Instant.now().plus(Duration.ofDays(1)));
            System.out.println(COMPUTING);
            System.out.flush();
            for (long seed = 0; ; seed++) {
                task.run(new Sha256Task.Params(Integer.parseInt(args[0]), seed), context);
            }
        }
    }
}
