package io.taskpipe.load;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RunStatsTest {

    @Test
    void theRateOfResultsThatArriveInWavesIsTheRateOfTheWaves() {
        // a full lane of 1,024 tasks of 500 ms: results arrive 1,024 at a time, twice a second
        RunStats stats = new RunStats(0);
        for (int wave = 1; wave <= 30; wave++) {
            for (int i = 0; i < 1024; i++) {
                long at = wave * 500_000_000L + i * 20_000L; // a wave takes 20 ms to arrive
                stats.done("io.sleep", "IO", "SUCCEEDED", 0, at, 0, 500);
            }
        }
        assertThat(stats.resultsPerSecond(0.2, 0.9)).isCloseTo(2048, within(2048 * 0.01));
    }

    @Test
    void latencyCountsFromTheIntendedSendTimeAndLeavesTheWarmupOut() {
        RunStats stats = new RunStats(1_000_000_000L);
        stats.done("io.sleep", "IO", "SUCCEEDED", 500_000_000L, 900_000_000L, 1, 2); // due in the warm-up
        stats.done("io.sleep", "IO", "SUCCEEDED", 2_000_000_000L, 2_030_000_000L, 1, 2);
        assertThat(stats.done()).isEqualTo(2);
        assertThat(stats.latency().getTotalCount()).isEqualTo(1);
        assertThat(stats.latency().getMaxValue() / 1000.0).isCloseTo(30, within(0.1));
    }
}
