package io.taskpipe.consumer;

import io.taskpipe.config.StartCommit;
import io.taskpipe.consumer.MockLane.Handed;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.taskpipe.consumer.LaneConsumerTest.finish;
import static io.taskpipe.consumer.MockLane.P0;
import static io.taskpipe.consumer.MockLane.P1;
import static io.taskpipe.consumer.MockLane.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Handing partitions over, on Kafka's MockConsumer: the rebalance runs on the lane's poll thread, as in a real poll. */
class RebalanceHandlerTest {

    @Test
    void aRevokedPartitionsRunningTaskMayFinishWithinTheGraceAndIsCommitted() throws Exception {
        try (MockLane mock = new MockLane(settings(10, 1 << 20, StartCommit.LATER, Duration.ofSeconds(10))).start(P0, P1)) {
            mock.add(P0, 0, 10);
            Handed running = mock.next();
            assertThat(running.delivery().start()).isTrue();
            mock.rebalance(P1);
            await().atMost(Duration.ofSeconds(5)).until(() -> running.delivery().abandoned());
            assertThat(running.delivery().finish()).as("within the grace it still publishes").isTrue();
            running.delivery().done(false);
            await().atMost(Duration.ofSeconds(5)).until(() -> !mock.consumer.assignment().contains(P0));
            assertThat(mock.committed(P0).offset()).isEqualTo(1);
        }
    }

    @Test
    void aTaskOutlivingTheGraceIsCancelledFencedAndItsStartTakenBack() throws Exception {
        try (MockLane mock = new MockLane(settings(10, 1 << 20, StartCommit.EACH, Duration.ofMillis(300))).start(P0, P1)) {
            mock.addRecords(P0, 2);
            Handed running = mock.next();
            Handed queued = mock.next();
            CountDownLatch cancelled = new CountDownLatch(1);
            running.delivery().onAbandon(cancelled::countDown);
            assertThat(running.delivery().start()).isTrue();
            assertThat(mock.committed(P0).metadata()).isEqualTo("v2:A");

            mock.rebalance(P1);
            assertThat(cancelled.await(5, TimeUnit.SECONDS)).as("the running task is told to stop").isTrue();
            assertThat(running.delivery().finish()).as("its outcome is fenced").isFalse();
            assertThat(queued.delivery().start()).as("a queued task of the partition never starts").isFalse();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                assertThat(mock.committed(P0).offset()).isZero();
                assertThat(mock.committed(P0).metadata()).as("the hand-off is not charged as a crash").isEqualTo("v2:");
            });
            assertThat(mock.lane.outstanding()).isZero();
        }
    }

    @Test
    void aTaskBackingOffWhenItsPartitionLeavesIsHandedOverUncharged() throws Exception {
        try (MockLane mock = new MockLane(settings(10, 1 << 20, StartCommit.EACH, Duration.ofMillis(300))).start(P0, P1)) {
            mock.add(P0, 0, 10);
            Handed retrying = mock.next();
            assertThat(retrying.delivery().start()).isTrue();
            retrying.delivery().pause();
            mock.rebalance(P1);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(mock.committed(P0).metadata()).isEqualTo("v2:"));
            assertThat(retrying.delivery().start()).as("its retry does not run here any more").isFalse();
        }
    }

    @Test
    void theOtherPartitionsGoOnWhileOneIsHandedOver() throws Exception {
        try (MockLane mock = new MockLane(settings(10, 1 << 20, StartCommit.LATER, Duration.ofMillis(300))).start(P0, P1)) {
            mock.add(P0, 0, 10);
            mock.add(P1, 0, 10);
            Handed first = mock.next();
            Handed second = mock.next();
            Handed onP1 = first.record().partition() == 1 ? first : second;
            mock.rebalance(P1);
            await().atMost(Duration.ofSeconds(5)).until(() -> !mock.consumer.assignment().contains(P0));
            assertThat(onP1.delivery().abandoned()).isFalse();
            finish(onP1);
            await().atMost(Duration.ofSeconds(5)).until(() -> mock.committed(P1) != null && mock.committed(P1).offset() == 1);
        }
    }

    @Test
    void aLostPartitionIsGivenUpWithoutACommit() throws Exception {
        try (MockLane mock = new MockLane(settings(10, 1 << 20, StartCommit.LATER, Duration.ofSeconds(10))).start(P0)) {
            mock.add(P0, 0, 10);
            Handed running = mock.next();
            assertThat(running.delivery().start()).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> mock.committed(P0) != null);
            mock.consumer.schedulePollTask(() -> mock.consumer.listener.onPartitionsLost(java.util.List.of(P0)));
            mock.consumer.wakeup();
            await().atMost(Duration.ofSeconds(5)).until(() -> running.delivery().abandoned());
            assertThat(running.delivery().finish()).isFalse();
            assertThat(mock.lane.outstanding()).isZero();
        }
    }
}
