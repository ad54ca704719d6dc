package io.taskpipe.consumer;

import io.taskpipe.config.StartCommit;
import io.taskpipe.consumer.MockLane.Handed;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.taskpipe.consumer.MockLane.P0;
import static io.taskpipe.consumer.MockLane.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code start-commit=AHEAD}: starts inside a committed window, and what the next owner makes of a window left open. */
class StartWindowTest {

    private static final Duration SECOND = Duration.ofSeconds(1);
    private static final Pattern WINDOW = Pattern.compile("^v2w(\\d+)");

    private static MockLane ahead() {
        return new MockLane(settings(10, 1 << 20, StartCommit.AHEAD, SECOND));
    }

    /** The start window the broker holds for P0: offsets below it may start unrecorded. */
    private static long committedWindow(MockLane mock) {
        OffsetAndMetadata committed = mock.committed(P0);
        Matcher window = WINDOW.matcher(committed == null ? "" : committed.metadata());
        return window.find() ? Long.parseLong(window.group(1)) : 0;
    }

    @Test
    void aStartInsideTheCommittedWindowRunsWithoutACommitOnItsWay() throws Exception {
        try (MockLane mock = ahead().start(P0)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> committedWindow(mock) > 0);
            int before = mock.consumer.syncCommits.get();
            mock.addRecords(P0, 2);
            for (int i = 0; i < 2; i++) {
                Handed handed = mock.next();
                assertThat(handed.delivery().start()).isTrue();
                assertThat(committedWindow(mock)).isGreaterThan(handed.record().offset());
            }
            assertThat(mock.consumer.syncCommits.get()).as("no commit on the way to a start").isEqualTo(before);
        }
    }

    @Test
    void noTaskStartsBeforeTheBrokerHoldsAWindowCoveringIt() throws Exception {
        try (MockLane mock = ahead()) {
            mock.consumer.holdAsyncCommits = true; // windows sent but never acknowledged
            mock.start(P0);
            mock.addRecords(P0, 10);
            for (int i = 0; i < 10; i++) {
                Handed handed = mock.next();
                assertThat(handed.delivery().start()).isTrue();
                assertThat(committedWindow(mock)).as("offset %d started", handed.record().offset())
                        .isGreaterThan(handed.record().offset());
                assertThat(handed.delivery().finish()).isTrue();
                handed.delivery().done(false);
            }
        }
    }

    @Test
    void aWindowLeftOpenByADeadOwnerIsChargedAndItsTasksStartOnlyOnceCommitted() throws Exception {
        String left;
        try (MockLane dying = ahead().start(P0)) {
            dying.addRecords(P0, 4);
            Handed running = dying.next();
            Handed finished = dying.next();
            dying.next();
            dying.next();
            assertThat(running.delivery().start()).isTrue();
            LaneConsumerTest.finish(finished);
            await().atMost(Duration.ofSeconds(5)).until(() -> dying.committed(P0).metadata().matches("v2w\\d+:[A_]\\+"));
            left = dying.committed(P0).metadata(); // what the broker holds when the process dies now
        }
        try (MockLane next = ahead().previouslyCommitted(P0, 0, left)) {
            next.consumer.updateEndOffsets(Map.of(P0, 4L));
            next.start(P0);
            next.addRecords(P0, 5);
            Handed first = next.next();
            assertThat(first.record().offset()).isZero();
            assertThat(first.delivery().attempt()).as("it ran when its process died").isEqualTo(2);
            int before = next.consumer.syncCommits.get();
            assertThat(first.delivery().start()).isTrue();
            assertThat(next.consumer.syncCommits.get()).as("its start committed before it runs again").isGreaterThan(before);
            assertThat(next.committed(P0).metadata()).contains("B");
            assertThat(next.next().record().offset()).as("the finished one is not run again").isEqualTo(2);
            Handed third = next.next();
            assertThat(third.delivery().attempt()).as("in the window: charged, it may have run").isEqualTo(2);
            assertThat(next.next().delivery().attempt()).as("beyond the log's end when it died: never seen").isEqualTo(1);
        }
    }

    @Test
    void aCleanHandOverClosesTheWindowAndChargesNothing() throws Exception {
        MockLane leaving = ahead().start(P0);
        leaving.addRecords(P0, 3);
        LaneConsumerTest.finish(leaving.next());
        leaving.next(); // handed out, never started
        await().atMost(Duration.ofSeconds(5)).until(() -> committedWindow(leaving) > 0);
        leaving.close();
        OffsetAndMetadata handedOver = leaving.committed(P0);
        assertThat(handedOver.offset()).isEqualTo(1);
        assertThat(handedOver.metadata()).isEqualTo("v2:");
        try (MockLane next = ahead().previouslyCommitted(P0, handedOver.offset(), handedOver.metadata()).start(P0)) {
            next.addRecords(P0, 3);
            assertThat(next.next().delivery().attempt()).isEqualTo(1);
            assertThat(next.next().delivery().attempt()).isEqualTo(1);
        }
    }
}
