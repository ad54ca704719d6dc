package io.taskpipe.load;

import io.taskpipe.load.Scenario.Phase;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ScheduleTest {

    @Test
    void aConstantRateSpacesTasksEvenly() {
        Schedule schedule = new Schedule(List.of(new Phase(100.0, null, null, Duration.ofSeconds(2), null)));
        assertThat(schedule.count()).isEqualTo(200);
        assertThat(schedule.offsetNanos(0)).isZero();
        assertThat(schedule.offsetNanos(1)).isEqualTo(10_000_000L);
        assertThat(schedule.offsetNanos(199)).isEqualTo(1_990_000_000L);
        assertThat(schedule.length()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aRampSendsFromTheFirstRateToTheSecondAndTheAverageInAll() {
        Schedule schedule = new Schedule(List.of(new Phase(null, 0.0, 200.0, Duration.ofSeconds(10), null)));
        assertThat(schedule.count()).isEqualTo(1000); // the average rate, 100/s, for 10 s
        // half of the tasks are due by t = sqrt(0.5) * 10 s when the rate grows linearly from 0
        assertThat(schedule.offsetNanos(500) / 1e9).isCloseTo(Math.sqrt(0.5) * 10, within(0.01));
        for (int i = 1; i < 1000; i++) {
            assertThat(schedule.offsetNanos(i)).isGreaterThanOrEqualTo(schedule.offsetNanos(i - 1));
        }
        assertThat(schedule.offsetNanos(999) / 1e9).isLessThanOrEqualTo(10);
    }

    @Test
    void aBurstIsDueAtOnceAndPhasesFollowEachOther() {
        Schedule schedule = new Schedule(List.of(
                new Phase(10.0, null, null, Duration.ofSeconds(1), null),
                new Phase(0.0, null, null, null, 500L),
                new Phase(20.0, null, null, null, 20L)));
        assertThat(schedule.count()).isEqualTo(10 + 500 + 20);
        assertThat(schedule.offsetNanos(10)).isEqualTo(1_000_000_000L);
        assertThat(schedule.offsetNanos(509)).isEqualTo(1_000_000_000L);
        assertThat(schedule.offsetNanos(510)).isEqualTo(1_000_000_000L);
        assertThat(schedule.offsetNanos(529)).isEqualTo(1_950_000_000L);
        assertThat(schedule.length()).isEqualTo(Duration.ofSeconds(2));
    }
}
