package io.taskpipe.lanes;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OffsetTrackerTest {

    @Test
    void commitsOnlyOverAContiguousRunOfFinishedOffsets() {
        OffsetTracker tracker = new OffsetTracker();
        for (long offset = 10; offset < 15; offset++) {
            tracker.track(offset);
        }
        assertThat(tracker.committable()).isEqualTo(-1);
        tracker.done(12);
        tracker.done(13);
        assertThat(tracker.committable()).as("10 and 11 still run").isEqualTo(-1);
        assertThat(tracker.pending()).isEqualTo(3);
        tracker.done(10);
        assertThat(tracker.committable()).isEqualTo(11);
        tracker.done(11);
        assertThat(tracker.committable()).isEqualTo(14);
        tracker.done(14);
        assertThat(tracker.committable()).isEqualTo(15);
        assertThat(tracker.pending()).isZero();
    }

    @Test
    void toleratesGapsInOffsetsAndRepeatedOrStaleCompletions() {
        OffsetTracker tracker = new OffsetTracker();
        tracker.track(5);
        tracker.track(9); // offsets 6..8 were compacted away or are transaction markers
        tracker.done(9);
        tracker.done(9);
        tracker.done(3);
        assertThat(tracker.committable()).isEqualTo(-1);
        tracker.done(5);
        assertThat(tracker.committable()).isEqualTo(10);
    }
}
