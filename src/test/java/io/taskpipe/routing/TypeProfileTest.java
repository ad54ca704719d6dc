package io.taskpipe.routing;

import io.taskpipe.contract.Lane;
import io.taskpipe.contract.TaskResult.Routing.Reason;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class TypeProfileTest {

    private static final TypeProfile.Thresholds DEFAULTS = new TypeProfile.Thresholds(0.1, 0.02, 2, 10.0, 50);

    private static TypeProfile profile(Lane prior) {
        return new TypeProfile("t", prior, null, true, DEFAULTS);
    }

    private static Move run(TypeProfile profile, double cpuMs, double wallMs) {
        return profile.observe(cpuMs, wallMs, Instant.now());
    }

    @Test
    void aComputingTypeDeclaredOnTheIoLaneMovesToTheCpuLaneOnItsSecondMeasuredRunNotBefore() {
        TypeProfile profile = profile(Lane.IO);
        assertThat(profile.routing().ratio()).isNull();
        assertThat(run(profile, 90, 100)).isNull();
        assertThat(profile.routing().chosen()).isEqualTo(Lane.IO);
        Move move = run(profile, 95, 100);
        assertThat(move.from()).isEqualTo(Lane.IO);
        assertThat(move.to()).isEqualTo(Lane.CPU);
        assertThat(move.samples()).isEqualTo(2);
        assertThat(profile.routing().reason()).isEqualTo(Reason.MEASURED);
        assertThat(profile.routing().declared()).isEqualTo(Lane.IO);
        assertThat(profile.routing().ratio()).isBetween(0.9, 0.95);
    }

    @Test
    void aWaitingTypeDeclaredOnTheCpuLaneMovesToTheIoLane() {
        TypeProfile profile = profile(Lane.CPU);
        run(profile, 0.2, 50);
        run(profile, 0.2, 50);
        assertThat(profile.routing().chosen()).isEqualTo(Lane.IO);
        assertThat(profile.routing().reason()).isEqualTo(Reason.MEASURED);
    }

    @Test
    void aRatioBetweenTheThresholdsMovesNothingEitherWay() {
        TypeProfile onIo = profile(Lane.IO);
        TypeProfile onCpu = profile(Lane.CPU);
        for (int i = 0; i < 200; i++) {
            double cpuMs = i % 2 == 0 ? 3 : 8; // 0.03 to 0.08 of 100 ms: between 0.02 and 0.1
            assertThat(run(onIo, cpuMs, 100)).isNull();
            assertThat(run(onCpu, cpuMs, 100)).isNull();
        }
        assertThat(onIo.routing().chosen()).isEqualTo(Lane.IO);
        assertThat(onCpu.routing().chosen()).isEqualTo(Lane.CPU);
    }

    @Test
    void computingTooShortToBeWorthAHopStaysOnTheIoLane() {
        TypeProfile profile = profile(Lane.IO);
        for (int i = 0; i < 100; i++) {
            run(profile, 5, 6); // all CPU, but 5 ms: what a cold JVM's first runs of a waiting type cost
        }
        assertThat(profile.routing().chosen()).isEqualTo(Lane.IO);
        assertThat(profile.routing().ratio()).isGreaterThan(0.8);
    }

    @Test
    void aTypeMovedForRunsThatCostMoreThanTheyDoOnceCompiledGoesBackButADeclaredOneStays() {
        TypeProfile moved = profile(Lane.IO);
        TypeProfile declared = profile(Lane.CPU);
        run(moved, 15, 20); // the interpreter's runs of a hash: computing, and long enough to move
        run(moved, 15, 20);
        assertThat(moved.routing().chosen()).isEqualTo(Lane.CPU);
        int runs = 0;
        while (moved.routing().chosen() == Lane.CPU && runs < 1000) {
            run(moved, 0.5, 0.8); // compiled: still all CPU, but half a millisecond
            run(declared, 0.5, 0.8);
            runs++;
        }
        assertThat(moved.routing().chosen()).isEqualTo(Lane.IO);
        assertThat(runs).as("once its mean CPU time per run is below 5 ms, not at the first short run").isBetween(3, 50);
        assertThat(declared.routing().chosen()).isEqualTo(Lane.CPU);
    }

    @Test
    void aPinAndTheDeclaredModeNeverMove() {
        TypeProfile pinned = new TypeProfile("t", Lane.CPU, Lane.IO, true, DEFAULTS);
        TypeProfile declared = new TypeProfile("t", Lane.IO, null, false, DEFAULTS);
        for (int i = 0; i < 100; i++) {
            assertThat(run(pinned, 100, 100)).isNull();
            assertThat(run(declared, 100, 100)).isNull();
        }
        assertThat(pinned.routing().chosen()).isEqualTo(Lane.IO);
        assertThat(pinned.routing().reason()).isEqualTo(Reason.PINNED);
        assertThat(declared.routing().chosen()).isEqualTo(Lane.IO);
        assertThat(declared.routing().reason()).isEqualTo(Reason.DECLARED);
    }

    @Test
    void aTypeThatStopsComputingMovesBackOnceTheOldRunsHaveDecayed() {
        TypeProfile profile = profile(Lane.IO);
        for (int i = 0; i < 100; i++) {
            run(profile, 100, 100);
        }
        assertThat(profile.routing().chosen()).isEqualTo(Lane.CPU);
        int runs = 0;
        while (profile.routing().chosen() == Lane.CPU && runs < 1000) {
            run(profile, 0, 100);
            runs++;
        }
        // 100 runs at ratio 1, then none: the old runs weigh 1/2 after 50 runs, 1/16 after 200; the ratio
        // reaches 0.02 near 270 runs: it moves once they have decayed, neither at once nor never
        assertThat(runs).isBetween(150, 400);
    }

    @Test
    void aLongRunCountsForMoreThanAShortOne() {
        TypeProfile profile = profile(Lane.IO);
        run(profile, 1000, 1000); // one second of computing
        run(profile, 0, 10);
        run(profile, 0, 10);
        assertThat(profile.routing().ratio()).isGreaterThan(0.9);
        assertThat(profile.routing().chosen()).isEqualTo(Lane.CPU);
    }

    @Test
    void thresholdsWithoutAGapAreRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new TypeProfile.Thresholds(0.3, 0.3, 3, 2, 50))
                .hasMessageContaining("to-io-below");
    }
}
