package io.taskpipe.routing;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.taskpipe.config.RoutingConfig;
import io.taskpipe.contract.Lane;
import io.taskpipe.contract.ResultSummary;
import io.taskpipe.contract.TaskJson;
import io.taskpipe.contract.TaskResult;
import io.taskpipe.contract.TaskResult.Routing.Reason;
import io.taskpipe.contract.TaskResult.Timing;
import io.taskpipe.execution.CpuTime;
import io.taskpipe.tasks.TaskTypes;
import io.taskpipe.tasks.cpu.SumTask;
import io.taskpipe.tasks.io.SleepTask;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Routing as the dispatcher runs it: settings read, results learnt from as they arrive on the results topic. */
class RoutingTest {

    private final TaskTypes types = new TaskTypes(List.of(new SleepTask(), new SumTask(), new io.taskpipe.tasks.io.FileHashTask(null)));
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    record Settings(Mode mode, Map<String, String> pins, Map<String, Lane> hint, double toCpuAbove, double toIoBelow,
                    int minSamples, Duration minCpu, Duration holdCpu, int warmUpRuns, int halfLife) implements RoutingConfig {
        static Settings adaptive(Map<String, String> pins, Map<String, Lane> hint) {
            return new Settings(Mode.ADAPTIVE, pins, hint, 0.1, 0.02, 2, Duration.ofMillis(10), Duration.ofMillis(100), 0, 50);
        }

        Settings warmingUp(int runs) {
            return new Settings(mode, pins, hint, toCpuAbove, toIoBelow, minSamples, minCpu, holdCpu, runs, halfLife);
        }

        Settings holding(Duration cpu) {
            return new Settings(mode, pins, hint, toCpuAbove, toIoBelow, minSamples, minCpu, cpu, warmUpRuns, halfLife);
        }
    }

    private Routing routing(Settings settings) {
        return new Routing(types, settings, registry, new Handoffs(1 << 20, Duration.ofMinutes(1)));
    }

    private static ResultSummary result(String type, Lane lane, Double cpuMs, double serviceMs) {
        return result(type, lane, cpuMs, serviceMs, -1);
    }

    private static ResultSummary result(String type, Lane lane, Double cpuMs, double serviceMs, double carrierWaitMs) {
        Instant start = Instant.parse("2026-11-30T12:00:00Z");
        Instant end = start.plusNanos((long) (serviceMs * 1e6));
        return ResultSummary.read(TaskJson.write(TaskResult.about("id", type, "k", null).succeeded(null).lane(lane, 1)
                .timing(Timing.of(start, start, start, end, cpuMs == null ? -1 : (long) (cpuMs * 1e6), (long) (carrierWaitMs * 1e6))).build()));
    }

    @Test
    void aHintIsThePriorAndMeasurementOverrulesIt() {
        Routing routing = routing(Settings.adaptive(Map.of(), Map.of("compute.sum", Lane.IO)));
        var sum = types.find("compute.sum").orElseThrow();
        assertThat(routing.decide(sum)).isEqualTo(new TaskResult.Routing(Lane.IO, Lane.IO, Reason.DECLARED, null));
        routing.learn(result("compute.sum", Lane.IO, 40.0, 41));
        routing.learn(result("compute.sum", Lane.IO, 40.0, 41));
        TaskResult.Routing decided = routing.decide(sum);
        assertThat(decided.chosen()).isEqualTo(Lane.CPU);
        assertThat(decided.reason()).isEqualTo(Reason.MEASURED);
        assertThat(registry.counter("taskpipe.routing.moves", "type", "compute.sum", "to", "CPU").count()).isEqualTo(1);
        assertThat(routing.types()).filteredOn(t -> t.type().equals("compute.sum")).singleElement()
                .satisfies(view -> {
                    assertThat(view.samples()).isEqualTo(2);
                    assertThat(view.lastMove().to()).isEqualTo(Lane.CPU);
                    assertThat(view.serviceP50Ms()).isCloseTo(41, org.assertj.core.api.Assertions.within(0.1));
                });
    }

    @Test
    void aPinIsNeverOverruledAndTheOtherSettingsUnderItsPrefixAreNotPins() {
        Routing routing = routing(Settings.adaptive(Map.of("compute.sum", "io", "mode", "ADAPTIVE", "min-samples", "2",
                "hint.\"io.sleep\"", "CPU"), Map.of()));
        for (int i = 0; i < 10; i++) {
            routing.learn(result("compute.sum", Lane.IO, 40.0, 41));
        }
        assertThat(routing.decide(types.find("compute.sum").orElseThrow()))
                .isEqualTo(new TaskResult.Routing(Lane.CPU, Lane.IO, Reason.PINNED, 0.976));
    }

    @Test
    void unknownTypesAndLanesStopTheStartWithTheSettingNamed() {
        assertThatThrownBy(() -> routing(Settings.adaptive(Map.of("compute.summ", "IO"), Map.of())))
                .hasMessageContaining("taskpipe.routing names unknown task type 'compute.summ'");
        assertThatThrownBy(() -> routing(Settings.adaptive(Map.of(), Map.of("io.slep", Lane.CPU))))
                .hasMessageContaining("taskpipe.routing.hint names unknown task type 'io.slep'");
        assertThatThrownBy(() -> routing(Settings.adaptive(Map.of("compute.sum", "GPU"), Map.of())))
                .hasMessageContaining("taskpipe.routing.\"compute.sum\"=GPU: a pin is IO or CPU");
    }

    @Test
    void timeSpentWaitingForACarrierIsNeitherWaitingNorComputing() {
        Routing routing = routing(Settings.adaptive(Map.of(), Map.of()));
        routing.learn(result("compute.sum", Lane.IO, 40.0, 100, 50)); // starved for half its run by other tasks
        assertThat(routing.decide(types.find("compute.sum").orElseThrow()).ratio()).isEqualTo(0.8);
    }

    @Test
    void aProcessesFirstRunsOfATypeAreItsWarmUpAndTeachNothing() {
        Routing routing = routing(Settings.adaptive(Map.of(), Map.of()).warmingUp(3));
        for (int i = 0; i < 3; i++) {
            routing.learn(result("file.hash", Lane.IO, 12.0, 14)); // class loading, the interpreter: looks like computing
        }
        assertThat(routing.types()).filteredOn(t -> t.type().equals("file.hash")).singleElement()
                .satisfies(view -> assertThat(view.samples()).isZero());
        routing.learn(result("file.hash", Lane.IO, 0.1, 5));
        assertThat(routing.types()).filteredOn(t -> t.type().equals("file.hash")).singleElement()
                .satisfies(view -> assertThat(view.samples()).isEqualTo(1));
    }

    @Test
    void resultsWithoutAMeasuredRunTeachNothing() {
        Routing routing = routing(Settings.adaptive(Map.of(), Map.of()));
        routing.learn(result("io.sleep", Lane.IO, null, 50)); // CPU time unknown
        routing.learn(ResultSummary.read(TaskJson.write(TaskResult.about("id", "io.sleep", "k", null)
                .failed(TaskResult.Status.REJECTED, io.taskpipe.contract.ErrorCode.INVALID_PARAMS, "no").build())));
        assertThat(ResultSummary.read("{\"type\":\"io.sleep\",\"timing\":".getBytes(StandardCharsets.UTF_8))).isNull(); // cut short
        routing.learn(result("no.such.type", Lane.IO, 1.0, 1));
        assertThat(routing.types()).allSatisfy(view -> assertThat(view.samples()).isZero());
    }

    @Test
    void aRunComputingOnAVirtualThreadMovesItsTypeWhileItRunsAndASleepingOneDoesNot() throws Exception {
        Routing routing = routing(Settings.adaptive(Map.of(), Map.of("compute.sum", Lane.IO)).warmingUp(3));
        var sum = types.find("compute.sum").orElseThrow();
        var sleep = types.find("io.sleep").orElseThrow();
        AtomicBoolean stop = new AtomicBoolean();
        try (ExecutorService virtual = Executors.newThreadPerTaskExecutor(CpuTime.virtualThreads("test-"))) {
            Future<?> sleeping = virtual.submit(() -> watched(routing, sleep, () -> {
                try {
                    Thread.sleep(Duration.ofMillis(500)); // five looks at a run that computes nothing
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            Future<?> computing = virtual.submit(() -> watched(routing, sum, () -> {
                long x = 0;
                while (!stop.get()) {
                    x += System.nanoTime() % 7;
                }
                assertThat(x).isNotNegative();
            }));
            await().atMost(Duration.ofSeconds(30)).until(() -> routing.decide(sum).chosen() == Lane.CPU);
            assertThat(computing.isDone()).as("moved while its first run, a warm-up run, is still going").isFalse();
            stop.set(true);
            computing.get();
            sleeping.get();
        }
        assertThat(routing.decide(sleep).chosen()).isEqualTo(Lane.IO);
        assertThat(routing.types()).filteredOn(t -> t.type().equals("compute.sum")).singleElement()
                .satisfies(view -> assertThat(view.lastMove().running()).isTrue());
        assertThat(registry.counter("taskpipe.routing.moves", "type", "compute.sum", "to", "CPU").count()).isEqualTo(1);
    }

    @Test
    void holdCpuBelowMinCpuStopsTheStart() {
        assertThatThrownBy(() -> routing(Settings.adaptive(Map.of(), Map.of()).holding(Duration.ofMillis(5))))
                .hasMessageContaining("taskpipe.routing.hold-cpu");
        routing(Settings.adaptive(Map.of(), Map.of()).holding(Duration.ZERO)); // off
    }

    private static void watched(Routing routing, io.taskpipe.tasks.TaskHandler<?> handler, Runnable run) {
        CpuTime.Clock clock = CpuTime.clock();
        Runnable unwatch = routing.watch(handler, clock::nanos, clock::carrierWaitNanos);
        try {
            run.run();
        } finally {
            unwatch.run();
        }
    }
}
