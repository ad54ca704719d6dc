package io.taskpipe.consumer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PartitionProgressTest {

    @Test
    void thePositionMovesOnlyOverContiguousFinishedOffsets() {
        PartitionProgress progress = new PartitionProgress(10, null, 4000);
        for (long offset = 10; offset < 15; offset++) {
            progress.delivered(offset);
        }
        progress.done(12);
        progress.done(13);
        assertThat(progress.position()).as("10 and 11 still run").isEqualTo(10);
        assertThat(progress.pending()).isEqualTo(3);
        progress.done(10);
        assertThat(progress.position()).isEqualTo(11);
        progress.done(11);
        assertThat(progress.position()).isEqualTo(14);
        progress.done(14);
        assertThat(progress.position()).isEqualTo(15);
        assertThat(progress.metadata()).isEqualTo("v1:");
    }

    @Test
    void toleratesGapsInOffsetsAndRepeatedOrStaleCompletions() {
        PartitionProgress progress = new PartitionProgress(5, null, 4000);
        progress.delivered(5);
        progress.delivered(9); // 6..8 were compacted away or are transaction markers
        progress.done(9);
        progress.done(9);
        progress.done(3);
        assertThat(progress.position()).isEqualTo(5);
        progress.done(5);
        assertThat(progress.position()).isEqualTo(10);
    }

    @Test
    void metadataCarriesStartsAndFinishedOffsetsToTheNextOwner() {
        PartitionProgress first = new PartitionProgress(100, null, 4000);
        for (long offset = 100; offset < 110; offset++) {
            first.delivered(offset);
        }
        first.started(100);
        first.started(101);
        first.done(101);
        first.started(104);
        first.started(105);
        first.done(105);
        first.done(106);
        first.done(107);
        first.started(109);
        first.started(109);
        assertThat(first.position()).isEqualTo(100);
        assertThat(first.metadata()).isEqualTo("v1:aD_2aD3_b");

        PartitionProgress next = new PartitionProgress(first.position(), first.metadata(), 4000);
        assertThat(next.delivered(100)).isEqualTo(new PartitionProgress.Delivery(false, 1));
        assertThat(next.delivered(101)).isEqualTo(new PartitionProgress.Delivery(true, 0));
        assertThat(next.delivered(102)).isEqualTo(new PartitionProgress.Delivery(false, 0));
        assertThat(next.delivered(104)).isEqualTo(new PartitionProgress.Delivery(false, 1));
        assertThat(next.delivered(107)).isEqualTo(new PartitionProgress.Delivery(true, 0));
        assertThat(next.delivered(109)).isEqualTo(new PartitionProgress.Delivery(false, 2));
        assertThat(next.started(109)).isEqualTo(3);
    }

    @Test
    void longRunsStayShortAndTheFarEndIsDroppedWhenTooLong() {
        PartitionProgress progress = new PartitionProgress(0, null, 64);
        for (long offset = 0; offset < 5000; offset++) {
            progress.delivered(offset);
            progress.started(offset);
            if (offset > 0) {
                progress.done(offset);
            }
        }
        assertThat(progress.metadata()).isEqualTo("v1:aD4999");
        for (long offset = 5000; offset < 6000; offset += 2) {
            progress.delivered(offset);
            progress.started(offset);
        }
        assertThat(progress.metadata().length()).isLessThanOrEqualTo(64);
        assertThat(progress.metadata()).startsWith("v1:aD4999a_a_a");
    }
}
