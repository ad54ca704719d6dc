package io.taskpipe.consumer;

import io.taskpipe.config.StartCommit;
import io.taskpipe.consumer.MockLane.Handed;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.taskpipe.consumer.MockLane.P0;
import static io.taskpipe.consumer.MockLane.P1;
import static io.taskpipe.consumer.MockLane.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The poll loop with its backpressure, starts and commits, on Kafka's MockConsumer. */
class LaneConsumerTest {

    private static final Duration SECOND = Duration.ofSeconds(1);

    /** Plays a task that ran and whose outcome is now durable. */
    static void finish(Handed handed) throws InterruptedException {
        assertThat(handed.delivery().start()).isTrue();
        assertThat(handed.delivery().finish()).isTrue();
        handed.delivery().done(false);
    }

    private static void awaitCommitted(MockLane mock, long position, String metadata) {
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(mock.committed(P0)).isNotNull();
            assertThat(mock.committed(P0).offset()).isEqualTo(position);
            assertThat(mock.committed(P0).metadata()).isEqualTo(metadata);
        });
    }

    @Test
    void theLaneCountsAsJoinedOnceTheGroupHasAssignedItsShareEvenAnEmptyOne() {
        try (MockLane mock = new MockLane(settings(10, 1 << 20, StartCommit.LATER, SECOND))) {
            mock.lane.start();
            await().during(Duration.ofMillis(300)).atMost(SECOND).until(() -> !mock.lane.joined());
            mock.consumer.schedulePollTask(() -> mock.consumer.rebalance(List.of()));
            await().atMost(Duration.ofSeconds(5)).until(mock.lane::joined);
        }
    }

    @Test
    void onlyContiguousFinishesMoveTheCommittedPositionAndLaterOnesGoInTheMetadata() throws Exception {
        try (MockLane mock = new MockLane(settings(10, 1 << 20, StartCommit.LATER, SECOND)).start(P0)) {
            mock.addRecords(P0, 3);
            Handed first = mock.next();
            Handed second = mock.next();
            Handed third = mock.next();
            finish(third);
            awaitCommitted(mock, 0, "v2:_2+");
            finish(first);
            awaitCommitted(mock, 1, "v2:_+");
            finish(second);
            awaitCommitted(mock, 3, "v2:");
        }
    }

    @Test
    void aStartReachesTheCommitMetadataSoTheNextOwnerKnowsASuspect() throws Exception {
        try (MockLane mock = new MockLane(settings(10, 1 << 20, StartCommit.LATER, SECOND)).start(P0)) {
            mock.add(P0, 0, 10);
            assertThat(mock.next().delivery().start()).isTrue();
            awaitCommitted(mock, 0, "v2:A");
        }
        try (MockLane next = new MockLane(settings(10, 1 << 20, StartCommit.LATER, SECOND)).previouslyCommitted(P0, 0, "v1:a").start(P0)) {
            next.add(P0, 0, 10);
            Delivery again = next.next().delivery();
            assertThat(again.suspect()).isTrue();
            assertThat(again.attempt()).isEqualTo(2);
            assertThat(again.exhausted()).isFalse();
        }
    }

    @Test
    void aSynchronousStartIsCommittedBeforeTheTaskRuns() throws Exception {
        try (MockLane mock = new MockLane(settings(10, 1 << 20, StartCommit.EACH, SECOND)).start(P0)) {
            mock.add(P0, 0, 10);
            assertThat(mock.next().delivery().start()).isTrue();
            assertThat(mock.committed(P0).metadata()).as("committed when start() returned").isEqualTo("v2:A");
        }
    }

    @Test
    void aRecordFinishedByAnEarlierOwnerIsNotHandedOutAgain() throws Exception {
        try (MockLane mock = new MockLane(settings(10, 1 << 20, StartCommit.LATER, SECOND)).previouslyCommitted(P0, 0, "v1:_D").start(P0)) {
            mock.addRecords(P0, 3);
            assertThat(mock.next().record().offset()).isZero();
            assertThat(mock.next().record().offset()).as("offset 1 was finished before").isEqualTo(2);
        }
    }

    @Test
    void theLaneHoldsAtMostItsCountOfRecordsAndPausesMeanwhile() throws Exception {
        try (MockLane mock = new MockLane(settings(2, 1 << 20, StartCommit.LATER, SECOND)).start(P0)) {
            mock.addRecords(P0, 5);
            Handed first = mock.next();
            mock.next();
            assertThat(mock.handed.poll(300, TimeUnit.MILLISECONDS)).as("a third while two are unfinished").isNull();
            await().atMost(SECOND).until(() -> mock.consumer.paused().contains(P0));
            finish(first);
            assertThat(mock.next().record().offset()).isEqualTo(2);
        }
    }

    @Test
    void theLaneHoldsAtMostItsBytesButAlwaysTakesOneRecordWhenEmpty() throws Exception {
        try (MockLane mock = new MockLane(settings(100, 1_000, StartCommit.LATER, SECOND)).start(P0)) {
            mock.add(P0, 0, 5_000); // larger than the whole budget
            mock.add(P0, 1, 400);
            mock.add(P0, 2, 400);
            mock.add(P0, 3, 400);
            Handed huge = mock.next();
            assertThat(mock.handed.poll(300, TimeUnit.MILLISECONDS)).as("nothing beside a record over budget").isNull();
            finish(huge);
            mock.next();
            mock.next();
            assertThat(mock.handed.poll(300, TimeUnit.MILLISECONDS)).as("a third 400-byte record exceeds 1,000 bytes").isNull();
            assertThat(mock.lane.heldBytes()).isEqualTo(2 * 401);
        }
    }

    @Test
    void aSuspectOnItsLastChanceStartsOnlyOnceNothingElseRunsAndNothingStartsBesideIt() throws Exception {
        try (MockLane mock = new MockLane(settings(10, 1 << 20, StartCommit.LATER, SECOND)).previouslyCommitted(P0, 0, "v1:_b").start(P0)) {
            mock.addRecords(P0, 3);
            Handed running = mock.next();
            assertThat(running.delivery().start()).isTrue();
            Handed suspect = mock.next();
            assertThat(suspect.delivery().priorStarts()).isEqualTo(2);
            CompletableFuture<Boolean> suspectStarts = startLater(suspect.delivery());
            await().during(Duration.ofMillis(200)).atMost(SECOND).until(() -> !suspectStarts.isDone());
            running.delivery().finish();
            running.delivery().done(false);
            assertThat(suspectStarts.get(5, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Boolean> besideIt = startLater(mock.next().delivery());
            await().during(Duration.ofMillis(200)).atMost(SECOND).until(() -> !besideIt.isDone());
            suspect.delivery().finish();
            suspect.delivery().done(false);
            assertThat(besideIt.get(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aSuspectOnItsLastChanceDoesNotWaitForATaskInRetryBackoff() throws Exception {
        try (MockLane mock = new MockLane(settings(10, 1 << 20, StartCommit.LATER, SECOND)).previouslyCommitted(P0, 0, "v1:_b").start(P0)) {
            mock.addRecords(P0, 2);
            Delivery retrying = mock.next().delivery();
            assertThat(retrying.start()).isTrue();
            retrying.pause(); // failed transiently: waits for its retry, and is not running meanwhile
            Delivery suspect = mock.next().delivery();
            assertThat(startLater(suspect).get(5, TimeUnit.SECONDS)).as("no deadlock with the task in backoff").isTrue();
            CompletableFuture<Boolean> retry = startLater(retrying);
            await().during(Duration.ofMillis(200)).atMost(SECOND).until(() -> !retry.isDone());
            suspect.finish();
            suspect.done(false);
            assertThat(retry.get(5, TimeUnit.SECONDS)).as("the retry runs once the suspect is done").isTrue();
        }
    }

    @Test
    void earlierSuspectsRunBesideEachOther() throws Exception {
        try (MockLane mock = new MockLane(settings(10, 1 << 20, StartCommit.LATER, SECOND)).previouslyCommitted(P0, 0, "v1:a3").start(P0)) {
            mock.addRecords(P0, 3);
            for (int i = 0; i < 3; i++) {
                Delivery suspect = mock.next().delivery();
                assertThat(suspect.suspect()).isTrue();
                assertThat(suspect.start()).as("a first replay does not wait for the others").isTrue();
            }
        }
    }

    @Test
    void aRecordWhoseDeliveriesLostTheirProcessTooOftenIsExhausted() throws Exception {
        try (MockLane mock = new MockLane(settings(10, 1 << 20, StartCommit.LATER, SECOND)).previouslyCommitted(P0, 0, "v1:c").start(P0)) {
            mock.add(P0, 0, 10);
            assertThat(mock.next().delivery().exhausted()).isTrue();
        }
    }

    @Test
    void aTaskBackingOffGivesItsStartBack() throws Exception {
        try (MockLane mock = new MockLane(settings(10, 1 << 20, StartCommit.EACH, SECOND)).start(P0)) {
            mock.add(P0, 0, 10);
            Delivery retrying = mock.next().delivery();
            assertThat(retrying.start()).isTrue();
            assertThat(mock.committed(P0).metadata()).isEqualTo("v2:A");
            retrying.pause();
            awaitCommitted(mock, 0, "v2:");
            assertThat(retrying.start()).as("it starts again after its backoff").isTrue();
            assertThat(mock.committed(P0).metadata()).isEqualTo("v2:A");
        }
    }

    @Test
    void stopLetsRunningTasksFinishWithinTheGraceHandsBackTheRestAndCommits() throws Exception {
        MockLane mock = new MockLane(settings(10, 1 << 20, StartCommit.LATER, SECOND)).start(P0);
        mock.addRecords(P0, 2);
        Handed running = mock.next();
        Handed queued = mock.next();
        assertThat(running.delivery().start()).isTrue();
        CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> mock.lane.stop(Duration.ofSeconds(5)));
        await().atMost(SECOND).until(() -> queued.delivery().abandoned());
        assertThat(queued.delivery().start()).as("a queued task does not start once the lane stops").isFalse();
        queued.delivery().skip();
        assertThat(running.delivery().finish()).as("a running one may still publish").isTrue();
        running.delivery().done(false);
        stopping.get(5, TimeUnit.SECONDS);
        assertThat(mock.committed(P0).offset()).isEqualTo(1);
        assertThat(mock.consumer.closed()).isTrue();
    }

    @Test
    void aTaskOverdueForItsOutcomeIsReportedAsAStallNamingIt() throws Exception {
        try (MockLane mock = new MockLane(settings(10, 1 << 20, StartCommit.LATER, SECOND)).start(P0, P1)) {
            mock.add(P1, 0, 10);
            Delivery delivery = mock.next().delivery().label("task-7");
            assertThat(delivery.start()).isTrue();
            delivery.expectOutcomeWithin(Duration.ofHours(1));
            assertThat(mock.lane.stall()).isEmpty();
            delivery.expectOutcomeWithin(Duration.ZERO);
            await().atMost(SECOND).until(() -> mock.lane.stall().isPresent());
            assertThat(mock.lane.stall().orElseThrow().task()).isEqualTo("task-7");
            assertThat(mock.lane.oldestUnfinished()).isPositive();
            delivery.finish();
            delivery.done(false);
            await().atMost(SECOND).until(() -> mock.lane.stall().isEmpty());
        }
    }

    @Test
    void aHandlerThatThrowsLeavesAStallNotADeadLoop() throws Exception {
        MockLane.Polled consumer = new MockLane.Polled();
        consumer.updateBeginningOffsets(java.util.Map.of(P0, 0L));
        LaneConsumer lane = new LaneConsumer(consumer, settings(10, 1 << 20, StartCommit.LATER, SECOND), (record, delivery) -> {
            throw new IllegalStateException("a bug");
        });
        consumer.schedulePollTask(() -> consumer.rebalance(java.util.List.of(P0)));
        lane.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> consumer.assignment().contains(P0));
        consumer.addRecord(new org.apache.kafka.clients.consumer.ConsumerRecord<>(MockLane.TOPIC, 0, 0, "k", new byte[1]));
        await().atMost(Duration.ofSeconds(5)).until(() -> lane.stall().isPresent());
        assertThat(lane.isAlive()).isTrue();
        lane.stop(SECOND);
    }

    static CompletableFuture<Boolean> startLater(Delivery delivery) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return delivery.start();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
