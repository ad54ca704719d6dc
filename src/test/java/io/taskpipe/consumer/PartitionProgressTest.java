package io.taskpipe.consumer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PartitionProgressTest {

    @Test
    void thePositionMovesOnlyOverContiguousFinishedOffsets() {
        PartitionProgress progress = progress(10, null);
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
        assertThat(progress.metadata()).isEqualTo("v2:");
    }

    @Test
    void toleratesGapsInOffsetsAndRepeatedOrStaleCompletions() {
        PartitionProgress progress = progress(5, null);
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
        PartitionProgress first = progress(100, null);
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
        assertThat(first.metadata()).as("own starts in capitals").isEqualTo("v2:A+_2A+3_B");

        PartitionProgress next = progress(first.position(), first.metadata());
        assertThat(next.delivered(100)).isEqualTo(new PartitionProgress.Delivery(false, 1));
        assertThat(next.delivered(101)).isEqualTo(new PartitionProgress.Delivery(true, 0));
        assertThat(next.delivered(102)).isEqualTo(new PartitionProgress.Delivery(false, 0));
        assertThat(next.delivered(104)).isEqualTo(new PartitionProgress.Delivery(false, 1));
        assertThat(next.delivered(107)).isEqualTo(new PartitionProgress.Delivery(true, 0));
        assertThat(next.delivered(109)).isEqualTo(new PartitionProgress.Delivery(false, 2));
        assertThat(next.started(109)).isEqualTo(3);
        assertThat(next.metadata()).as("earlier owners' starts in small letters").startsWith("v2:a+_2a");
    }

    @Test
    void theFormerFormatIsStillRead() {
        PartitionProgress progress = progress(100, "v1:aD_b");
        assertThat(progress.delivered(100)).isEqualTo(new PartitionProgress.Delivery(false, 1));
        assertThat(progress.delivered(101)).isEqualTo(new PartitionProgress.Delivery(true, 0));
        assertThat(progress.delivered(103)).isEqualTo(new PartitionProgress.Delivery(false, 2));
    }

    @Test
    void longRunsStayShortAndTheFarEndIsDroppedWhenTooLong() {
        PartitionProgress progress = new PartitionProgress(0, null, Long.MAX_VALUE, 64, 0);
        for (long offset = 0; offset < 5000; offset++) {
            progress.delivered(offset);
            progress.started(offset);
            if (offset > 0) {
                progress.done(offset);
            }
        }
        assertThat(progress.metadata()).isEqualTo("v2:A+4999");
        for (long offset = 5000; offset < 6000; offset += 2) {
            progress.delivered(offset);
            progress.started(offset);
        }
        assertThat(progress.metadata().length()).isLessThanOrEqualTo(64);
        assertThat(progress.metadata()).startsWith("v2:A+4999A_A_A");
    }

    private static PartitionProgress progress(long position, String metadata) {
        return new PartitionProgress(position, metadata, Long.MAX_VALUE, 4000, 0);
    }

    // ---- the start window

    @Test
    void theWindowReachesPastWhatWasHandedOutAndWidensWhenHalfOfItIsUsed() {
        PartitionProgress progress = new PartitionProgress(10, null, Long.MAX_VALUE, 4000, 8);
        assertThat(progress.window()).as("nothing open before a commit asks for it").isZero();
        assertThat(progress.widenWindow()).isTrue();
        assertThat(progress.window()).isEqualTo(18);
        assertThat(progress.metadata()).isEqualTo("v2w18:");
        progress.delivered(10);
        progress.delivered(11);
        progress.delivered(12);
        assertThat(progress.widenWindow()).as("13 + 4 < 18: room enough").isFalse();
        progress.delivered(13);
        assertThat(progress.widenWindow()).isTrue();
        assertThat(progress.window()).isEqualTo(22);
    }

    @Test
    void aCleanHandOverClosesTheWindow() {
        PartitionProgress progress = new PartitionProgress(0, null, Long.MAX_VALUE, 4000, 8);
        progress.widenWindow();
        progress.delivered(0);
        progress.started(0);
        progress.release();
        assertThat(progress.widenWindow()).isFalse();
        assertThat(progress.metadata()).isEqualTo("v2:A");
        assertThat(PartitionProgress.windowLeftOpen(progress.metadata())).isFalse();

        PartitionProgress next = new PartitionProgress(0, progress.metadata(), Long.MAX_VALUE, 4000, 8);
        assertThat(next.delivered(0).priorStarts()).as("its recorded start, once").isEqualTo(1);
        assertThat(next.delivered(1).priorStarts()).as("nothing charged").isZero();
        assertThat(next.exactUntil()).isZero();
    }

    @Test
    void anOpenWindowIsChargedOnceToEachUnfinishedOffsetInItUpToTheLogEnd() {
        // the dead owner: 100 recorded as started by it, 101 finished, 102 and 103 maybe started unrecorded,
        // 104 started twice before it came (once recorded by an earlier owner), window to 110
        String left = "v2w110:A+_2b";
        assertThat(PartitionProgress.windowLeftOpen(left)).isTrue();
        PartitionProgress next = new PartitionProgress(100, left, 106, 4000, 8);
        assertThat(next.delivered(100).priorStarts()).as("its own start was recorded: not charged twice").isEqualTo(1);
        assertThat(next.delivered(101).alreadyDone()).isTrue();
        assertThat(next.delivered(102).priorStarts()).isEqualTo(1);
        assertThat(next.delivered(103).priorStarts()).isEqualTo(1);
        assertThat(next.delivered(104).priorStarts()).as("an earlier owner's start, and maybe the dead one's").isEqualTo(3);
        assertThat(next.delivered(105).priorStarts()).isEqualTo(1);
        assertThat(next.delivered(106).priorStarts()).as("beyond the log's end at the take-over: never seen").isZero();
        assertThat(next.exactUntil()).as("what may have started unrecorded starts only once committed").isEqualTo(106);
        assertThat(next.metadata()).as("the charges are earlier owners' now; the exact range is carried on")
                .isEqualTo("v2x106:a+a2ca");
    }

    @Test
    void aChargedRangeIsNotChargedAgainWhenItsNextOwnerDiesToo() {
        PartitionProgress second = new PartitionProgress(0, "v2w4:", 4, 4000, 8);
        assertThat(second.exactUntil()).isEqualTo(4);
        second.widenWindow(); // window to 8
        second.delivered(0);
        second.started(0); // committed before it ran (exact), then this owner dies too
        PartitionProgress third = new PartitionProgress(0, second.metadata(), 6, 4000, 8);
        assertThat(third.delivered(0).priorStarts()).as("charged by the window, then its own exact start").isEqualTo(2);
        assertThat(third.delivered(1).priorStarts()).as("charged by the first window only").isEqualTo(1);
        assertThat(third.delivered(4).priorStarts()).as("in the second window only").isEqualTo(1);
        assertThat(third.delivered(6).priorStarts()).isZero();
        assertThat(third.exactUntil()).isEqualTo(6);
    }

    @Test
    void metadataTaskpipeDidNotWriteIsReadAsNothingKnown() {
        for (String foreign : new String[] {"v2w99999999999999999999999:", "v2x1:a99999999999999999999", "v1:a99999999999999999999", "v2w5"}) {
            PartitionProgress next = new PartitionProgress(0, foreign, Long.MAX_VALUE, 4000, 8);
            assertThat(next.delivered(0)).as(foreign).isEqualTo(new PartitionProgress.Delivery(false, 0));
            assertThat(PartitionProgress.windowLeftOpen(foreign)).as(foreign).isFalse();
        }
    }

    @Test
    void aWindowInForeignMetadataCannotMakeTheTakeOverUnbounded() {
        PartitionProgress next = new PartitionProgress(0, "v2w999999999999:", Long.MAX_VALUE, 4000, 8);
        assertThat(next.exactUntil()).isEqualTo(1 << 20);
        assertThat(next.metadata().length()).isLessThan(4000);
    }
}
