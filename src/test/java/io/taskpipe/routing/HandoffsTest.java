package io.taskpipe.routing;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class HandoffsTest {

    @Test
    void aKeyWaitsForItsLastForwardedTaskOfTheTypeOnly() {
        Handoffs handoffs = new Handoffs(1 << 20, Duration.ofMinutes(1));
        handoffs.forwarded("io.sleep", "k", "t1");
        handoffs.forwarded("io.sleep", "k", "t2");
        assertThat(handoffs.pending("io.sleep", "k")).isTrue();
        assertThat(handoffs.pending("io.sleep", "other-key")).isFalse();
        assertThat(handoffs.pending("compute.sum", "k")).as("another type of the same key").isFalse();
        handoffs.finished("io.sleep", "k", "t1");
        assertThat(handoffs.pending("io.sleep", "k")).as("t2, forwarded after t1, has no result yet").isTrue();
        handoffs.finished("io.sleep", "k", "t2");
        assertThat(handoffs.pending("io.sleep", "k")).isFalse();
        assertThat(handoffs.bytes()).isZero();
    }

    @Test
    void aResultThatNeverComesHoldsItsKeyBackNoLongerThanTheLimit() {
        Handoffs handoffs = new Handoffs(1 << 20, Duration.ofMillis(100));
        handoffs.forwarded("io.sleep", "k", "lost");
        assertThat(handoffs.pending("io.sleep", "k")).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> !handoffs.pending("io.sleep", "k"));
        assertThat(handoffs.bytes()).isZero();
    }

    @Test
    void manyKeysCostNoMoreBytesThanAllowedTheLeastRecentForgottenFirst() {
        Handoffs handoffs = new Handoffs(64 * 1024, Duration.ofMinutes(1));
        for (int i = 0; i < 100_000; i++) {
            handoffs.forwarded("compute.sum", "key-" + "x".repeat(100) + i, "task-" + i);
        }
        assertThat(handoffs.bytes()).isLessThanOrEqualTo(64 * 1024);
        assertThat(handoffs.pending("compute.sum", "key-" + "x".repeat(100) + 99_999)).isTrue();
        assertThat(handoffs.pending("compute.sum", "key-" + "x".repeat(100) + 0)).isFalse();
    }
}
