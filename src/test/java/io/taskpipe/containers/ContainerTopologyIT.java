package io.taskpipe.containers;

import io.taskpipe.check.History;
import io.taskpipe.check.HistoryReader;
import io.taskpipe.check.Report;
import io.taskpipe.topology.Outcomes;
import io.taskpipe.topology.TaskLoad;
import io.taskpipe.topology.Topology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tier 4: what the tests run is what is deployed. The real image ({@code src/main/docker/Dockerfile.jvm},
 * built here on a locally built base) as dispatcher and cpu-worker containers, configured by environment
 * variables as {@code compose/} and {@code k8s/} configure them, on a Kafka broker container; all on the
 * host network, on loopback. Every run is judged by the checker.
 */
class ContainerTopologyIT {

    private static BrokerContainer broker;

    @BeforeAll
    static void broker() throws IOException {
        Docker.require();
        Docker.removeLeftovers();
        LocalImages.build();
        Files.deleteIfExists(ContainerLogs.DIR.resolve("throughput.txt"));
        ContainerTopology.writeFiles();
        broker = new BrokerContainer();
        broker.start();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.stop();
        }
    }

    private static ContainerTopology scenario(String name) {
        return new ContainerTopology("container-" + name, broker.bootstrapServers());
    }

    @Test
    void aMixedRunThroughDispatcherAndTwoWorkersLosesNothing() throws Exception {
        try (ContainerTopology containers = scenario("mixed")) {
            containers.dispatcher("dispatcher");
            containers.worker("worker-1");
            containers.worker("worker-2");
            Topology topology = containers.topology();
            try (TaskLoad load = new TaskLoad(topology, 300, 11); Outcomes outcomes = new Outcomes(topology)) {
                load.send(6_000, TaskLoad.MIXED);
                outcomes.awaitAll(load.produced(), Duration.ofMinutes(3));
                Report report = topology.check(load);
                History history = history(topology, load);
                record("mixed run, one dispatcher and two cpu-workers, TaskLoad.MIXED: " + Throughput.of(history, "IO") + "; " + Throughput.of(history, "CPU"));
                assertThat(report.produced()).isEqualTo(6_000);
                assertThat(report.lost()).isZero();
                assertThat(report.duplicates()).isZero();
                assertThat(report.orderViolations()).isZero();
                assertThat(report.statuses()).containsOnlyKeys("SUCCEEDED");
            }
        }
    }

    @Test
    void dockerKillOfAWorkerMidRunLosesNothing() throws Exception {
        try (ContainerTopology containers = scenario("kill")) {
            containers.dispatcher("dispatcher");
            TaskpipeContainer victim = containers.worker("worker-1");
            containers.worker("worker-2");
            Topology topology = containers.topology();
            try (TaskLoad load = new TaskLoad(topology, 200, 12); Outcomes outcomes = new Outcomes(topology)) {
                CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> load.sendAtRate(60, Duration.ofSeconds(25), TaskLoad.CPU_HEAVY));
                // mid-run: results are flowing and the victim holds tasks it has not committed
                await("worker-1 busy mid-run").atMost(Duration.ofSeconds(60)).until(() -> outcomes.endedCount() > 200
                        && victim.metric("taskpipe_lane_uncommitted{lane=\"CPU\"}") > 0);
                victim.kill();
                sending.get();
                outcomes.awaitAll(load.produced(), Duration.ofMinutes(3));
                Report report = topology.check(load);
                assertThat(report.lost()).isZero();
                assertThat(report.unmarkedDuplicates()).as("every replay says attempt > 1").isZero();
                assertThat(report.orderViolations()).isZero();
            }
        }
    }

    @Test
    void dockerStopDrainsAWorkerGracefully() throws Exception {
        try (ContainerTopology containers = scenario("stop").with("TASKPIPE_LANES_SHUTDOWN_GRACE", "20s")) {
            containers.dispatcher("dispatcher");
            TaskpipeContainer worker = containers.worker("worker-1");
            containers.worker("worker-2");
            Topology topology = containers.topology();
            try (TaskLoad load = new TaskLoad(topology, 50, 13); Outcomes outcomes = new Outcomes(topology)) {
                load.send(200, (i, random) -> TaskLoad.task("compute.sum", "n", 100_000_000L + random.nextInt(200_000_000)));
                await("worker-1 running tasks").atMost(Duration.ofSeconds(60)).until(() -> worker.metric("taskpipe_lane_running{lane=\"CPU\"}") > 0);
                long start = System.nanoTime();
                long exitCode = worker.stopGracefully(Duration.ofSeconds(40));
                System.out.printf("docker stop: worker drained and exited %d in %d ms%n", exitCode, (System.nanoTime() - start) / 1_000_000);
                assertThat(exitCode).as("exit code after SIGTERM").isZero();

                outcomes.awaitAll(load.produced(), Duration.ofMinutes(3));
                Report report = topology.check(load);
                assertThat(report.lost()).isZero();
                assertThat(report.duplicates()).as("nothing ran twice").isZero();
                assertThat(report.orderViolations()).isZero();
            }
        }
    }

    @Test
    void aWorkerStartedWithOneCpuReportsOneSlot() throws Exception {
        try (ContainerTopology containers = scenario("one-cpu")) {
            containers.dispatcher("dispatcher");
            TaskpipeContainer worker = containers.worker("worker-1", 1);
            assertThat(worker.laneHealth().path("CPU.slots").asInt()).as("slots of a worker started with --cpus 1").isEqualTo(1);

            // its throughput, queue full from the start: the per-replica figure k8s/README.md sizes KEDA with
            Topology topology = containers.topology();
            try (TaskLoad load = new TaskLoad(topology, 200, 14); Outcomes outcomes = new Outcomes(topology)) {
                load.send(3_000, TaskLoad.CPU);
                outcomes.awaitAll(load.produced(), Duration.ofMinutes(3));
                assertThat(topology.check(load).lost()).isZero();
                Throughput cpu = Throughput.of(history(topology, load), "CPU");
                record("one cpu-worker container, --cpus 1, TaskLoad.CPU: " + cpu);
                assertThat(cpu.tasks()).isEqualTo(3_000);
            }
        }
    }

    /** Prints a measured figure and keeps it in target/containers/throughput.txt, where k8s/README.md's figures come from. */
    private static void record(String figure) throws IOException {
        System.out.println(figure);
        Files.writeString(ContainerLogs.DIR.resolve("throughput.txt"), figure + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static History history(Topology topology, TaskLoad load) {
        Set<String> ids = load.produced().stream().map(p -> p.taskId()).collect(Collectors.toSet());
        return HistoryReader.read(Map.of("bootstrap.servers", topology.bootstrap()), topology.resultsTopic(),
                topology.dlqTopic(), ids::contains, Duration.ofSeconds(1));
    }
}
