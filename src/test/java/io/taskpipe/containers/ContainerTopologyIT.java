package io.taskpipe.containers;

import io.taskpipe.check.History;
import io.taskpipe.kafka.ClientSettings;
import io.taskpipe.check.Report;
import io.taskpipe.load.Scenario.Phase;
import io.taskpipe.load.TaskSender;
import io.taskpipe.topology.Mixes;
import io.taskpipe.topology.Outcomes;
import io.taskpipe.topology.Topology;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.GroupState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

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
            containers.deploy("dispatcher", "worker-1", "worker-2");
            Topology topology = containers.topology();
            try (TaskSender load = topology.load(300, 11); Outcomes outcomes = new Outcomes(topology)) {
                load.run(List.of(Phase.burst(6_000)), Mixes.MIXED);
                Report report = topology.judge(load, outcomes, Duration.ofMinutes(3));
                History history = topology.history(load);
                record("mixed run, one dispatcher and two cpu-workers, Mixes.MIXED: " + Throughput.of(history, "IO") + "; " + Throughput.of(history, "CPU"));
                assertThat(report.produced()).isEqualTo(6_000);
                assertThat(report.duplicates()).isZero();
                assertThat(report.statuses()).containsOnlyKeys("SUCCEEDED");
            }
        }
    }

    @Test
    void dockerKillOfAWorkerMidRunLosesNothing() throws Exception {
        try (ContainerTopology containers = scenario("kill")) {
            TaskpipeContainer victim = containers.deploy("dispatcher", "worker-1", "worker-2").getFirst();
            Topology topology = containers.topology();
            try (TaskSender load = topology.load(200, 12); Outcomes outcomes = new Outcomes(topology)) {
                CompletableFuture<Void> sending = Topology.inBackground(() -> load.run(List.of(Phase.steady(60, Duration.ofSeconds(25))), Mixes.CPU_HEAVY));
                // mid-run: results are flowing and the victim holds tasks it has not committed
                await("worker-1 busy mid-run").atMost(Duration.ofSeconds(60)).until(() -> outcomes.endedCount() > 200
                        && victim.metric("taskpipe_lane_uncommitted{lane=\"CPU\"}") > 0);
                victim.kill();
                sending.get();
                assertThat(topology.judge(load, outcomes, Duration.ofMinutes(3)).unmarkedDuplicates()).as("every replay says attempt > 1").isZero();
            }
        }
    }

    @Test
    void dockerStopDrainsAWorkerGracefully() throws Exception {
        try (ContainerTopology containers = scenario("stop").with("TASKPIPE_LANES_SHUTDOWN_GRACE", "20s")) {
            TaskpipeContainer worker = containers.deploy("dispatcher", "worker-1", "worker-2").getFirst();
            Topology topology = containers.topology();
            // a worker is ready at its first assignment, which a cooperative rebalance makes empty for the one joining;
            // a SIGTERM before the second round has ended finds the partitions lost, not handed back (a CI run saw it)
            await("both workers hold partitions").atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> bothHoldPartitions(topology));
            try (TaskSender load = topology.load(50, 13); Outcomes outcomes = new Outcomes(topology)) {
                load.run(List.of(Phase.burst(60)), List.of(Mixes.entry("compute.sum", 1, "n", Mixes.between(100_000_000, 299_999_999))));
                await("worker-1 running tasks").atMost(Duration.ofSeconds(60)).until(() -> worker.metric("taskpipe_lane_running{lane=\"CPU\"}") > 0);
                long start = System.nanoTime();
                long exitCode = worker.stopGracefully(Duration.ofSeconds(40));
                System.out.printf("docker stop: worker drained and exited %d in %d ms%n", exitCode, (System.nanoTime() - start) / 1_000_000);
                assertThat(exitCode).as("exit code after SIGTERM").isZero();

                assertThat(topology.judge(load, outcomes, Duration.ofMinutes(3)).duplicates()).as("nothing ran twice").isZero();
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
            try (TaskSender load = topology.load(200, 14); Outcomes outcomes = new Outcomes(topology)) {
                load.run(List.of(Phase.burst(3_000)), Mixes.CPU);
                outcomes.awaitAll(load.produced(), Duration.ofMinutes(3));
                assertThat(topology.check(load).lost()).isZero();
                Throughput cpu = Throughput.of(topology.history(load), "CPU");
                record("one cpu-worker container, --cpus 1, Mixes.CPU: " + cpu);
                assertThat(cpu.tasks()).isEqualTo(3_000);
            }
        }
    }

    /** Prints a measured figure and keeps it in target/containers/throughput.txt, where k8s/README.md's figures come from. */
    private static void record(String figure) throws IOException {
        System.out.println(figure);
        Files.writeString(ContainerLogs.DIR.resolve("throughput.txt"), figure + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static boolean bothHoldPartitions(Topology topology) throws Exception {
        String group = topology.names().workerGroup();
        try (Admin admin = Admin.create(ClientSettings.bootstrap(topology.bootstrap()).toMap())) {
            ConsumerGroupDescription described = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group)
                    .get(10, TimeUnit.SECONDS);
            return described.groupState() == GroupState.STABLE && described.members().size() == 2
                    && described.members().stream().noneMatch(member -> member.assignment().topicPartitions().isEmpty());
        }
    }
}
