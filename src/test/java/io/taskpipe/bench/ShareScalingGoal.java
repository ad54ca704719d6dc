package io.taskpipe.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * G12, more cpu-workers than partitions: a backlog of {@code compute.sha256} on a CPU topic of one
 * partition, drained by two cpu-workers of one core and one slot each (as G6's two workers), once as a
 * consumer group, where the partition is one worker's and the other idles (the cap the share-group mode
 * lifts), and once as a share group ({@code taskpipe.lanes.cpu.delivery=SHARE}), where both take its
 * records. Reported, not judged: on two cores the second worker shares its core with the broker, the
 * dispatcher and the load generator (G6), so the most this machine can show is G6's two-to-one figure.
 */
final class ShareScalingGoal {

    private ShareScalingGoal() {
    }

    static List<Finding> run(Bench bench) throws InterruptedException {
        int mebibytes = bench.scale(64, 8);
        double loop = CpuScalingGoal.tightLoop(1, mebibytes, bench.scale(Duration.ofSeconds(5), Duration.ofSeconds(1)));
        double group = arm(bench, "g12-group", false, mebibytes, loop);
        double share = arm(bench, "g12-share", true, mebibytes, 2 * loop);
        return List.of(Finding.reported("G12", "2 cpu-workers on a CPU topic of 1 partition: share group / consumer group (compute.sha256 "
                + mebibytes + " MiB; the second worker shares a core with the broker, the dispatcher and the load generator)",
                String.format("share group %.1f tasks/s, consumer group %.1f tasks/s", share, group), share / group));
    }

    private static double arm(Bench bench, String arm, boolean share, int mebibytes, double expectedRate) throws InterruptedException {
        Bench.Topics topics = bench.topics(arm, 1);
        Map<String, String> settings = share
                ? Map.of("taskpipe.lanes.cpu.delivery", "SHARE", "taskpipe.lanes.cpu.ordering", "NONE",
                        "taskpipe.lanes.cpu.share-group", topics.prefix() + "-share")
                : Map.of();
        boolean twoCores = Cpus.available() >= 2;
        bench.dispatcher(topics, settings, List.of(), null);
        for (String core : List.of("0", "1")) {
            bench.worker(topics, "worker-" + core, settings, List.of("-XX:ActiveProcessorCount=1"), twoCores ? core : null);
        }
        return CpuScalingGoal.drainHashes(bench, topics, arm, mebibytes, expectedRate);
    }
}
