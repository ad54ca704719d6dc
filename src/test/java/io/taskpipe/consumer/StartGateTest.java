package io.taskpipe.consumer;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class StartGateTest {

    private final StartGate gate = new StartGate();

    private CompletableFuture<Boolean> enterLater(boolean alone, AtomicBoolean abandoned) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return gate.enter(alone, abandoned::get);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void ordinaryStartsAndEarlierSuspectsPassTogether() throws Exception {
        for (int i = 0; i < 100; i++) {
            assertThat(gate.enter(false, () -> false)).isTrue();
        }
        assertThat(gate.inside()).isEqualTo(100);
    }

    @Test
    void aSuspectOnItsLastChanceWaitsUntilTheLaneIsEmptyAndThenRunsAlone() throws Exception {
        assertThat(gate.enter(false, () -> false)).isTrue();
        CompletableFuture<Boolean> lone = enterLater(true, new AtomicBoolean());
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> !lone.isDone());
        CompletableFuture<Boolean> behindIt = enterLater(false, new AtomicBoolean());
        await("nothing overtakes a waiting lone suspect").during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2))
                .until(() -> !behindIt.isDone());

        gate.leave(false);
        assertThat(lone.get()).isTrue();
        await("nothing starts beside it").during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> !behindIt.isDone());

        gate.leave(true);
        assertThat(behindIt.get()).isTrue();
    }

    @Test
    void twoLastChanceSuspectsRunOneAfterTheOther() throws Exception {
        assertThat(gate.enter(true, () -> false)).isTrue();
        CompletableFuture<Boolean> second = enterLater(true, new AtomicBoolean());
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> !second.isDone());
        gate.leave(true);
        assertThat(second.get()).isTrue();
        assertThat(gate.inside()).isEqualTo(1);
    }

    @Test
    void aWaiterGivenUpMeanwhileDoesNotPass() throws Exception {
        assertThat(gate.enter(true, () -> false)).isTrue();
        AtomicBoolean abandoned = new AtomicBoolean();
        CompletableFuture<Boolean> waiting = enterLater(false, abandoned);
        await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(2)).until(() -> !waiting.isDone());
        abandoned.set(true);
        gate.wakeAll();
        assertThat(waiting.get()).isFalse();
        assertThat(gate.inside()).isEqualTo(1);
    }
}
