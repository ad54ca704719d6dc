package io.taskpipe.routing;

import io.taskpipe.contract.Lane;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs in progress on the IO lane, on clocks the test sets: which of them move their type before they end. */
class LongRunsTest {

    private static final long MS = 1_000_000L;
    private static final TypeProfile.Thresholds THRESHOLDS = new TypeProfile.Thresholds(0.1, 0.02, 2, 10, 50);

    private final AtomicLong now = new AtomicLong(1_000 * MS);
    private final List<Move> moves = new ArrayList<>();
    private final LongRuns longRuns = new LongRuns(Duration.ofMillis(100), 0.1, (profile, move) -> moves.add(move), now::get);

    private static TypeProfile onIo(boolean adaptive, Lane pin) {
        return new TypeProfile("compute.sha256", Lane.IO, pin, adaptive, THRESHOLDS);
    }

    @Test
    void aRunThatHasComputedHoldCpuMovesItsTypeBeforeItEndsOnceAndAlone() {
        TypeProfile profile = onIo(true, null);
        AtomicLong cpu = new AtomicLong(5 * MS);
        AtomicLong other = new AtomicLong(5 * MS);
        longRuns.watch(profile, cpu::get, () -> 0);
        longRuns.watch(onIo(true, null), other::get, () -> 0);
        now.addAndGet(150 * MS);
        cpu.addAndGet(99 * MS);
        longRuns.look();
        assertThat(moves).as("99 ms of CPU is under hold-cpu").isEmpty();
        cpu.addAndGet(MS);
        longRuns.look();
        longRuns.look();
        assertThat(moves).singleElement().satisfies(move -> {
            assertThat(move.to()).isEqualTo(Lane.CPU);
            assertThat(move.running()).isTrue();
            assertThat(move.samples()).as("no run has ended").isZero();
            assertThat(move.meanCpuMs()).isEqualTo(100.0);
            assertThat(move.ratio()).isCloseTo(100.0 / 150, org.assertj.core.api.Assertions.within(1e-9));
        });
        assertThat(profile.routing().chosen()).isEqualTo(Lane.CPU);
        assertThat(profile.routing().ratio()).as("a result's evidence before any run ended: the run's ratio").isEqualTo(0.667);
    }

    @Test
    void aRunThatWaitedMostOfItsTimeOrForACarrierIsJudgedOnItsBusyTime() {
        TypeProfile waiting = onIo(true, null);
        AtomicLong cpu = new AtomicLong();
        longRuns.watch(waiting, cpu::get, () -> 0);
        TypeProfile starved = new TypeProfile("compute.sum", Lane.IO, null, true, THRESHOLDS);
        AtomicLong starvedCpu = new AtomicLong();
        AtomicLong starvedWait = new AtomicLong();
        longRuns.watch(starved, starvedCpu::get, starvedWait::get);
        now.addAndGet(2_000 * MS); // in this order, so that the looker's own looks meanwhile see no verdict too early
        starvedWait.addAndGet(1_000 * MS);
        cpu.addAndGet(150 * MS); // 0.075 of its 2 s
        starvedCpu.addAndGet(150 * MS); // 0.15 of the 1 s it held a carrier
        longRuns.look();
        assertThat(waiting.routing().chosen()).isEqualTo(Lane.IO);
        assertThat(starved.routing().chosen()).isEqualTo(Lane.CPU);
        cpu.addAndGet(1_000 * MS);
        longRuns.look();
        assertThat(waiting.routing().chosen()).as("one verdict per run").isEqualTo(Lane.IO);
    }

    @Test
    void anEndedRunAPinAndDeclaredRoutingMoveNothing() {
        TypeProfile ended = onIo(true, null);
        TypeProfile pinned = onIo(true, Lane.IO);
        TypeProfile declared = onIo(false, null);
        AtomicLong cpu = new AtomicLong();
        longRuns.watch(ended, cpu::get, () -> 0).run();
        longRuns.watch(pinned, cpu::get, () -> 0);
        longRuns.watch(declared, cpu::get, () -> 0);
        now.addAndGet(500 * MS);
        cpu.addAndGet(500 * MS);
        longRuns.look();
        assertThat(moves).isEmpty();
        assertThat(List.of(ended, pinned, declared)).allSatisfy(profile -> assertThat(profile.routing().chosen()).isEqualTo(Lane.IO));
    }

    @Test
    void aThreadWithoutCpuTimeOrHoldCpuZeroIsNotWatched() {
        TypeProfile profile = onIo(true, null);
        AtomicLong cpu = new AtomicLong(-1);
        longRuns.watch(profile, cpu::get, () -> 0);
        LongRuns off = new LongRuns(Duration.ZERO, 0.1, (p, move) -> moves.add(move), now::get);
        AtomicLong counted = new AtomicLong();
        off.watch(profile, counted::get, () -> 0);
        now.addAndGet(500 * MS);
        cpu.set(500 * MS);
        counted.set(500 * MS);
        longRuns.look();
        off.look();
        assertThat(moves).isEmpty();
    }
}
