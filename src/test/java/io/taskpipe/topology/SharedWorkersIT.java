package io.taskpipe.topology;

import io.taskpipe.check.DeadLetter;
import io.taskpipe.check.History;
import io.taskpipe.check.Observed;
import io.taskpipe.check.Report;
import io.taskpipe.kafka.ShareGroups;
import io.taskpipe.load.Scenario.MixEntry;
import io.taskpipe.load.Scenario.Phase;
import io.taskpipe.load.TaskSender;
import io.taskpipe.testing.KafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The CPU lane on a share group ({@code taskpipe.lanes.cpu.delivery=SHARE}), proven on real processes:
 * twelve cpu-workers on a CPU topic of four partitions, where a consumer group would keep eight of them
 * idle, each finish tasks; workers killed under load lose nothing and every replay says so; a task that
 * kills every worker it runs on ends as {@code WORKER_LOST} at the broker's last delivery; a worker stopped
 * with SIGTERM hands its record back, so it runs again long before its lock would have run out. The
 * dispatcher's {@code taskpipe_cpu_share_backlog}, what an autoscaler scales the workers on, counts a
 * record in a worker's hands and drops to 0 once every task has ended.
 */
class SharedWorkersIT {

    private static final int WORKERS = 12;
    private static final int PARTITIONS = 4;
    private static final List<MixEntry> LIGHT = List.of(Mixes.entry("compute.sum", 1, "n", Mixes.between(2_000_000, 9_999_999)));

    @Test
    void twelveWorkersShareFourPartitionsLoseNothingEndACrashLoopAndHandBackOnSigterm() throws Exception {
        try (Topology topology = new Topology("shared", KafkaBroker.broker().bootstrapServers(), KafkaBroker.filesDir())) {
            String group = topology.names().workerGroup() + "-share";
            topology.with("taskpipe.lanes.cpu.delivery", "SHARE")
                    .with("taskpipe.lanes.cpu.ordering", "NONE")
                    .with("taskpipe.lanes.cpu.share-group", group)
                    .with("taskpipe.lanes.cpu.share-lock", "3s") // how long a killed worker's record waits for another
                    .with("taskpipe.lanes.cpu.slots", "1")
                    .with("taskpipe.lanes.shutdown-grace", "1s") // shorter than the task the SIGTERM interrupts
                    .with("taskpipe.tasks.test-types-enabled", "true");
            topology.createTopic(topology.names().cpuTasks(), PARTITIONS, Map.of());
            String[] names = IntStream.rangeClosed(1, WORKERS).mapToObj(i -> "worker-" + i).toArray(String[]::new);
            Topology.Deployment deployment = topology.deploy("dispatcher", names);
            AppProcess dispatcher = deployment.dispatcher();
            List<AppProcess> workers = new ArrayList<>(deployment.workers());
            Set<String> everyWorker = workers.stream().map(AppProcess::name).collect(Collectors.toSet());
            Map<Long, String> nameOfPid = new HashMap<>();
            workers.forEach(w -> nameOfPid.put(w.pid(), w.name()));
            try (Admin admin = Admin.create(topology.kafka());
                 TaskSender load = topology.load(200, 17);
                 Outcomes outcomes = new Outcomes(topology)) {
                int limit = ShareGroups.deliveryLimit(admin);
                load.run(List.of(Phase.burst(400)), LIGHT);
                outcomes.awaitMore(100);
                for (int i = 0; i < 2; i++) { // each holds a record, locked for it; the broker gives it to another once the lock runs out
                    workers.get(i).kill();
                    workers.set(i, topology.relaunchNoWait(workers.get(i)));
                    nameOfPid.put(workers.get(i).pid(), workers.get(i).name());
                }
                String crash = load.send(Mixes.task("test.crash"));
                load.run(List.of(Phase.burst(200)), LIGHT);

                AtomicInteger relaunches = new AtomicInteger();
                await("every task ended, crashed workers relaunched").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() -> {
                    for (int i = 0; i < workers.size(); i++) {
                        if (!workers.get(i).isAlive()) {
                            workers.set(i, topology.relaunchNoWait(workers.get(i)));
                            nameOfPid.put(workers.get(i).pid(), workers.get(i).name());
                            relaunches.incrementAndGet();
                        }
                    }
                    return outcomes.endedCount() >= load.produced().size() && relaunches.get() >= limit - 1; // the last one lost may still be exiting
                });

                // SIGTERM: the record in hand goes back to the group at once, not when its lock (now a minute) runs out
                Duration lock = Duration.ofMinutes(1);
                ShareGroups.configure(admin, group, Optional.of(lock));
                String longTask = load.send(Mixes.task("compute.sum", "n", 1_000_000_000_000L, 8_000));
                AppProcess holder = await("a worker runs the long task").atMost(Duration.ofSeconds(60)).until(
                        () -> workers.stream().filter(SharedWorkersIT::runsATask).findFirst(),
                        Optional::isPresent).orElseThrow();
                await("the dispatcher's backlog gauge counts the record in hand").atMost(Duration.ofSeconds(30))
                        .until(() -> dispatcher.metric("taskpipe_cpu_share_backlog") >= 1);
                Instant stopped = Instant.now();
                assertThat(holder.terminate(Duration.ofSeconds(30))).as("exit status after SIGTERM").isZero();

                outcomes.awaitAll(load.produced(), Duration.ofMinutes(1));
                await("the backlog gauge drops to 0").atMost(Duration.ofSeconds(30)).until(() -> dispatcher.metric("taskpipe_cpu_share_backlog") == 0);
                Report report = topology.check(load);
                History history = topology.history(load);
                List<Observed> longRuns = history.results().stream().filter(r -> r.taskId().equals(longTask)).toList();
                assertThat(longRuns).as("the SIGTERMed worker published nothing for the task it handed back").hasSize(1);
                Observed rerun = longRuns.getFirst();
                System.out.printf("shared: %d relaunches for the crash task; the long task's second delivery started %d ms after SIGTERM; %s%n",
                        relaunches.get(), Duration.between(stopped, rerun.startedAt()).toMillis(), report);

                assertThat(report.lost()).isZero();
                assertThat(report.unmarkedDuplicates()).as("every replay says attempt > 1").isZero();
                Set<String> finishers = history.results().stream().filter(r -> "SUCCEEDED".equals(r.status()))
                        .map(r -> nameOfPid.get(r.pid())).collect(Collectors.toSet());
                assertThat(finishers).as("each of the twelve workers finished tasks from the four partitions").isEqualTo(everyWorker);
                List<DeadLetter> lost = history.deadLetters().stream().filter(d -> "WORKER_LOST".equals(d.code())).toList();
                assertThat(lost).extracting(DeadLetter::taskId).containsExactly(crash);
                assertThat(lost.getFirst().attempts()).as("run on every delivery but the broker's last").isEqualTo(limit - 1);
                assertThat(relaunches.get()).as("one worker lost per run of the crash task").isEqualTo(limit - 1);
                assertThat(rerun.attempt()).as("the long task ran again after the SIGTERM").isEqualTo(2);
                assertThat(Duration.between(stopped, rerun.startedAt())).as("handed back, not left to its lock").isLessThan(lock.dividedBy(2));
            }
        }
    }

    /** Whether {@code worker} runs a task now; a relaunched worker may not answer yet. */
    private static boolean runsATask(AppProcess worker) {
        try {
            return worker.isAlive() && worker.metric("taskpipe_lane_running{lane=\"CPU\"}") > 0;
        } catch (UncheckedIOException e) {
            return false;
        }
    }
}
