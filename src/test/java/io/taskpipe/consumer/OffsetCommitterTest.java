package io.taskpipe.consumer;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.taskpipe.consumer.MockLane.P0;
import static io.taskpipe.consumer.MockLane.P1;
import static org.assertj.core.api.Assertions.assertThat;

/** The offset committer alone, on Kafka's MockConsumer, driven as the poll thread drives it. */
class OffsetCommitterTest {

    private final MockLane.Polled consumer = new MockLane.Polled();
    private final OffsetCommitter committer = new OffsetCommitter("test", consumer, Duration.ofHours(1), 0);

    OffsetCommitterTest() {
        consumer.assign(List.of(P0, P1));
        consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
    }

    @Test
    void aPartitionStartsFromWhatItsPreviousOwnerCommittedMetadataIncluded() {
        PartitionState state = committer.assign(P0, new OffsetAndMetadata(5, "v1:_D"), 0, Long.MAX_VALUE);
        assertThat(state.progress.position()).isEqualTo(5);
        assertThat(state.progress.delivered(6).alreadyDone()).isTrue();
        assertThat(committer.assign(P1, null, 3, Long.MAX_VALUE).progress.position()).as("nothing committed: the consumer's position").isEqualTo(3);
    }

    @Test
    void onlyChangedPartitionsAreCommittedAndAFailedCommitIsSentAgain() {
        PartitionState p0 = committer.assign(P0, null, 0, Long.MAX_VALUE);
        committer.assign(P1, null, 0, Long.MAX_VALUE);
        assertThat(committer.commitAll(true)).isTrue(); // each partition's first commit says it is taskpipe's ("v2:")
        consumer.lastCommitted.clear();
        p0.progress.delivered(0);
        p0.progress.done(0);
        assertThat(committer.commitAll(true)).isTrue();
        assertThat(consumer.lastCommitted).containsOnlyKeys(P0);
        assertThat(consumer.lastCommitted.get(P0).offset()).isEqualTo(1);

        consumer.lastCommitted.clear();
        assertThat(committer.commitAll(true)).isTrue();
        assertThat(consumer.lastCommitted).as("nothing changed, nothing sent").isEmpty();

        p0.progress.delivered(1);
        p0.progress.started(1);
        consumer.failNextCommit = true;
        assertThat(committer.commitAll(true)).as("a rebalance refused it").isFalse();
        assertThat(committer.commitAll(true)).isTrue();
        assertThat(consumer.lastCommitted.get(P0)).isEqualTo(new OffsetAndMetadata(1, "v2:A"));
    }

    @Test
    void anIdlePartitionCatchesUpWithTheConsumerPastWhatItNeverHandedOut() {
        PartitionState p0 = committer.assign(P0, null, 0, Long.MAX_VALUE);
        consumer.seek(P0, 7); // transaction markers and aborted records the consumer skipped
        committer.catchUp(Set.of());
        assertThat(p0.progress.position()).isEqualTo(7);
        p0.progress.delivered(7);
        consumer.seek(P0, 9);
        committer.catchUp(Set.of());
        assertThat(p0.progress.position()).as("a record handed out and unfinished holds it").isEqualTo(7);
    }

    @Test
    void partitionsWithRecordsWaitingToBeHandedOutDoNotCatchUp() {
        PartitionState p0 = committer.assign(P0, null, 0, Long.MAX_VALUE);
        consumer.seek(P0, 4);
        committer.catchUp(Set.of(P0));
        assertThat(p0.progress.position()).isZero();
    }
}
