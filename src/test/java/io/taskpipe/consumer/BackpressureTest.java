package io.taskpipe.consumer;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.taskpipe.consumer.MockLane.P0;
import static io.taskpipe.consumer.MockLane.P1;
import static org.assertj.core.api.Assertions.assertThat;

/** Backpressure alone, on Kafka's MockConsumer: what the lane may take, and the pause that holds the rest back. */
class BackpressureTest {

    private final MockLane.Polled consumer = new MockLane.Polled();
    private final Backpressure backpressure = new Backpressure(3, 1_000);

    BackpressureTest() {
        consumer.assign(List.of(P0, P1));
        consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
    }

    @Test
    void anEmptyLaneTakesOneRecordHoweverLarge() {
        assertThat(backpressure.hasRoom(1_000_000)).isTrue();
        backpressure.add(1_000_000);
        assertThat(backpressure.hasRoom(1)).isFalse();
    }

    @Test
    void theLaneTakesRecordsWhileTheirCountAndBytesFit() {
        backpressure.add(400);
        assertThat(backpressure.hasRoom(600)).isTrue();
        assertThat(backpressure.hasRoom(601)).as("1,001 bytes would exceed the budget").isFalse();
        backpressure.add(300);
        backpressure.add(1);
        assertThat(backpressure.hasRoom(1)).as("3 records are the most").isFalse();
        backpressure.remove(300);
        assertThat(backpressure.hasRoom(1)).isTrue();
        assertThat(backpressure.bytes()).isEqualTo(401);
        assertThat(backpressure.records()).isEqualTo(2);
    }

    @Test
    void aFullLaneOrAWaitingBacklogPausesEveryPartitionUntilNeitherHolds() {
        backpressure.update(consumer, false);
        assertThat(consumer.paused()).isEmpty();
        backpressure.update(consumer, true);
        assertThat(consumer.paused()).as("records polled and not yet handed out").containsExactlyInAnyOrder(P0, P1);
        consumer.resume(List.of(P1)); // as a partition newly assigned during the pause is: not paused
        backpressure.assigned(consumer, List.of(P1));
        assertThat(consumer.paused()).as("it joins the pause").containsExactlyInAnyOrder(P0, P1);
        backpressure.update(consumer, false);
        assertThat(consumer.paused()).isEmpty();
        for (int i = 0; i < 3; i++) {
            backpressure.add(10);
        }
        backpressure.update(consumer, false);
        assertThat(consumer.paused()).as("full by count").containsExactlyInAnyOrder(P0, P1);
        backpressure.remove(10);
        backpressure.update(consumer, false);
        assertThat(consumer.paused()).isEmpty();
    }
}
