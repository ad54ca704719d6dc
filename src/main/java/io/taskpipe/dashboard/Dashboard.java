package io.taskpipe.dashboard;

import io.taskpipe.activity.Activity;
import io.taskpipe.activity.Failure;
import io.taskpipe.contract.TaskResult;
import io.taskpipe.workers.Presence;
import io.taskpipe.workers.ProcessStatus;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Puts the dashboard's updates together from what this dispatcher knows: {@link Activity} (results and
 * dead letters) and {@link Presence} (every process's heartbeat, the lanes' lag).
 */
@ApplicationScoped
public class Dashboard {

    /** What one client has had so far: updates send only what came after. */
    static final class Cursor {
        private long second;
        private long failure;
    }

    private static final String PROCESS = TaskResult.Worker.current().host() + ":" + TaskResult.Worker.current().pid();

    private final Activity activity;
    private final Presence presence;

    public Dashboard(Activity activity, Presence presence) {
        this.activity = activity;
        this.presence = presence;
    }

    /** The next update for the client at {@code cursor}, which moves past what it carries. */
    DashboardState next(Cursor cursor) {
        Instant now = Instant.now();
        Activity.View view = activity.view(now, cursor.second, cursor.failure);
        cursor.second = view.second() - 1; // every second before now is closed
        view.failures().stream().mapToLong(Failure::seq).max().ifPresent(seq -> cursor.failure = seq);
        List<ProcessStatus> processes = presence.processes();
        return new DashboardState(now.toEpochMilli(), PROCESS, view.totals(), lanes(processes, view.lanes()), processes, presence.lag(),
                view.types(), view.lanes(), view.failures());
    }

    /** Each lane's processes that are not lost, summed; its results per second from its last closed second. */
    static List<DashboardState.LaneView> lanes(List<ProcessStatus> processes, List<Activity.SeriesView> series) {
        Map<String, List<ProcessStatus>> byLane = processes.stream().filter(p -> !p.lost() && p.lane() != null)
                .collect(Collectors.groupingBy(ProcessStatus::lane, TreeMap::new, Collectors.toList()));
        return byLane.entrySet().stream()
                .map(lane -> DashboardState.LaneView.of(lane.getKey(), lane.getValue(), perSecond(series, lane.getKey()))).toList();
    }

    private static double perSecond(List<Activity.SeriesView> series, String lane) {
        return series.stream().filter(s -> s.name().equals(lane)).mapToDouble(Activity.SeriesView::lastSecond).findFirst().orElse(0);
    }
}
