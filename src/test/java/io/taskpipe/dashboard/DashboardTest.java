package io.taskpipe.dashboard;

import io.taskpipe.activity.Activity;
import io.taskpipe.workers.ProcessStatus;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DashboardTest {

    @Test
    void aLaneIsItsLiveProcessesSummedWithItsResultsOfTheLastSecond() {
        List<ProcessStatus> processes = List.of(process("a", "CPU", 2, 1, 3, 4, false), process("b", "CPU", 2, 2, 0, 9, false),
                process("gone", "CPU", 8, 8, 8, 99, true), process("d", "IO", 1024, 7, 0, 0, false));
        List<Activity.SeriesView> series = List.of(new Activity.SeriesView("CPU", "CPU", 10, 0, 5, List.of()));

        assertThat(Dashboard.lanes(processes, series)).containsExactly(
                new DashboardState.LaneView("CPU", 2, 4, 3, 3, 9, 5),
                new DashboardState.LaneView("IO", 1, 1024, 7, 0, 0, 0));
    }

    private static ProcessStatus process(String host, String lane, int slots, int running, int queued, long oldest, boolean lost) {
        return new ProcessStatus(host + ":1", "cpu-worker", host, 1, lane, slots, running, queued, 0, 0, oldest, Instant.EPOCH,
                Instant.EPOCH, lost);
    }
}
