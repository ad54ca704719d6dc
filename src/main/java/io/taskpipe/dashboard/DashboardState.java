package io.taskpipe.dashboard;

import io.taskpipe.activity.Activity;
import io.taskpipe.activity.Failure;
import io.taskpipe.workers.PartitionLag;
import io.taskpipe.workers.ProcessStatus;

import java.util.List;
import java.util.Map;

/**
 * One update of the dashboard, as JSON: totals, lanes, processes and lag as they are now; each type's and
 * lane's seconds and the failures the client has not had yet (the first update of a stream has them all).
 *
 * @param at        when, in epoch milliseconds
 * @param process   the process that answers, {@code host:pid}
 * @param totals    results by status, and {@code DEAD_LETTER}, since the process started reading
 * @param lanes     each lane summed over the processes that run it, and its results per second
 * @param processes every taskpipe process heard from lately, by its heartbeats
 * @param lag       per partition, for the dispatchers' and the cpu-workers' consumer groups
 * @param types     each task type's seconds
 * @param laneSeries each lane's seconds
 * @param failures  failed results and dead letters, oldest first
 */
public record DashboardState(long at, String process, Map<String, Long> totals, List<LaneView> lanes, List<ProcessStatus> processes,
                             List<PartitionLag> lag, List<Activity.SeriesView> types, List<Activity.SeriesView> laneSeries,
                             List<Failure> failures) {

    /** A lane summed over the processes that run it. */
    public record LaneView(String lane, int processes, int slots, int running, int queued, long oldestUnfinishedSeconds, double perSecond) {

        static LaneView of(String lane, List<ProcessStatus> processes, double perSecond) {
            return new LaneView(lane, processes.size(), processes.stream().mapToInt(ProcessStatus::slots).sum(),
                    processes.stream().mapToInt(ProcessStatus::running).sum(), processes.stream().mapToInt(ProcessStatus::queued).sum(),
                    processes.stream().mapToLong(ProcessStatus::oldestUnfinishedSeconds).max().orElse(0), perSecond);
        }
    }
}
