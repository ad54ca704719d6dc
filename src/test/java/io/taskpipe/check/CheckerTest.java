package io.taskpipe.check;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CheckerTest {

    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

    private static Observed result(String id, String key, long seq, int attempt, int startMs, int endMs) {
        return new Observed(id, key, seq, "SUCCEEDED", null, attempt, "IO", "KEY", 1, T0.plusMillis(startMs), T0.plusMillis(endMs), endMs);
    }

    @Test
    void aCleanRunPasses() {
        List<Produced> produced = List.of(new Produced("a1", "a", 1L), new Produced("a2", "a", 2L), new Produced("b1", "b", 1L));
        History history = new History(List.of(result("a1", "a", 1, 1, 0, 10), result("b1", "b", 1, 1, 0, 5), result("a2", "a", 2, 1, 10, 20)), List.of());
        Report report = Checker.check(produced, history);
        assertThat(report.passed()).isTrue();
        assertThat(report.terminal()).isEqualTo(3);
        assertThat(report.maxMs()).isCloseTo(20.0, within(0.05)); // HdrHistogram keeps 3 significant digits
        assertThat(report.maxStallMs()).isEqualTo(10.0);
        assertThat(report.statuses()).isEqualTo(Map.of("SUCCEEDED", 3L));
    }

    @Test
    void countsLostTasksAndTheKeysTheyLeaveGapsIn() {
        List<Produced> produced = List.of(new Produced("a1", "a", 1L), new Produced("a2", "a", 2L), new Produced("a3", "a", 3L),
                new Produced("x", "x", null));
        History history = new History(List.of(result("a1", "a", 1, 1, 0, 1), result("a3", "a", 3, 1, 2, 3)),
                List.of(new DeadLetter("x", "x", "UNKNOWN_TYPE", 1)));
        Report report = Checker.check(produced, history);
        assertThat(report.lost()).isEqualTo(1);
        assertThat(report.lostIds()).containsExactly("a2");
        assertThat(report.keysWithGaps()).isEqualTo(1);
        assertThat(report.deadLetters()).isEqualTo(Map.of("UNKNOWN_TYPE", 1L));
        assertThat(report.passed()).isFalse();
    }

    @Test
    void aReplayMustSayItIsOne() {
        List<Produced> produced = List.of(new Produced("a1", "a", 1L), new Produced("b1", "b", 1L));
        History marked = new History(List.of(result("a1", "a", 1, 1, 0, 1), result("a1", "a", 1, 2, 5, 6)), List.of());
        assertThat(Checker.check(produced.subList(0, 1), marked)).satisfies(r -> {
            assertThat(r.duplicates()).isEqualTo(1);
            assertThat(r.unmarkedDuplicates()).isZero();
            assertThat(r.passed()).isTrue();
        });
        History unmarked = new History(List.of(result("b1", "b", 1, 1, 0, 1), result("b1", "b", 1, 1, 5, 6)), List.of());
        assertThat(Checker.check(produced.subList(1, 2), unmarked).unmarkedDuplicates()).isEqualTo(1);
    }

    @Test
    void aLowerSeqStartingAfterAHigherOneOfItsKeyIsAViolationButReplaysAreNot() {
        List<Produced> produced = List.of(new Produced("a1", "a", 1L), new Produced("a2", "a", 2L), new Produced("a3", "a", 3L));
        History history = new History(List.of(
                result("a2", "a", 2, 1, 0, 5),
                result("a1", "a", 1, 1, 6, 8),     // started after seq 2: a violation
                result("a3", "a", 3, 1, 9, 10),
                result("a2", "a", 2, 2, 11, 12)),  // a marked replay: not judged for order
                List.of());
        assertThat(Checker.check(produced, history).orderViolations()).isEqualTo(1);
    }

    @Test
    void aRunOfAKeyThatStartsBeforeAnotherEndsIsAnOverlapReplaysIncluded() {
        List<Produced> produced = List.of(new Produced("a1", "a", 1L), new Produced("a2", "a", 2L));
        History sequential = new History(List.of(result("a1", "a", 1, 1, 0, 10), result("a2", "a", 2, 1, 10, 20),
                result("a1", "a", 1, 2, 25, 30)), List.of());
        assertThat(Checker.check(produced, sequential).overlappingRuns()).isZero();
        History twoPlaces = new History(List.of(result("a1", "a", 1, 1, 0, 25), result("a1", "a", 1, 2, 10, 20),
                result("a2", "a", 2, 1, 21, 30)), List.of());
        Report report = Checker.check(produced, twoPlaces);
        assertThat(report.overlappingRuns()).as("the replay, and a2 while the first run still ran").isEqualTo(2);
        assertThat(report.passed()).isFalse();
    }

    @Test
    void anOutcomeOfATaskTheRunNeverPublishedIsUnexpected() {
        History history = new History(List.of(result("a1", "a", 1, 1, 0, 1), result("refused-1", "r", 1, 1, 0, 1)),
                List.of(new DeadLetter("refused-2", "r", "INVALID_PARAMS", 1)));
        Report report = Checker.check(List.of(new Produced("a1", "a", 1L)), history);
        assertThat(report.unexpected()).isEqualTo(2);
        assertThat(report.passed()).isFalse();
    }
}
