package io.taskpipe.tasks.cpu;

import io.taskpipe.contract.ErrorCode;
import io.taskpipe.tasks.TaskContext;
import io.taskpipe.tasks.TaskFailure;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ComputeTasksTest {

    private static final TaskContext LATER = new TaskContext(Instant.now().plus(1, ChronoUnit.HOURS));

    @Test
    void primeCountsMatchKnownValues() {
        long[][] known = {{0, 0}, {2, 0}, {3, 1}, {10, 4}, {100, 25}, {1_000, 168}, {100_000, 9_592}, {1_000_000, 78_498}, {10_000_000, 664_579}};
        PrimesTask task = new PrimesTask();
        for (long[] pair : known) {
            assertThat(task.run(new PrimesTask.Params(pair[0]), LATER).count()).as("primes below %d", pair[0]).isEqualTo(pair[1]);
        }
    }

    @Test
    void sumIsTheTriangularNumber() {
        SumTask task = new SumTask();
        for (long n : new long[] {0, 1, 2, 10, 4_194_304, 4_194_305, 12_345_678}) {
            assertThat(task.run(new SumTask.Params(n), LATER).sum()).isEqualTo(n * (n - 1) / 2);
        }
    }

    @Test
    void computingStopsAtTheDeadline() {
        TaskContext past = new TaskContext(Instant.now().minusMillis(1));
        assertThatThrownBy(() -> new SumTask().run(new SumTask.Params(1_000_000_000L), past))
                .isInstanceOfSatisfying(TaskFailure.class, f -> assertThat(f.code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED));
        assertThatThrownBy(() -> new PrimesTask().run(new PrimesTask.Params(1_000_000_000L), past))
                .isInstanceOf(TaskFailure.class);
        assertThatThrownBy(() -> new Sha256Task().run(new Sha256Task.Params(100, 1L), past))
                .isInstanceOf(TaskFailure.class);
    }

    @Test
    void sha256OfZeroSeedIsStable() {
        Sha256Task task = new Sha256Task();
        assertThat(task.run(new Sha256Task.Params(1, null), LATER).sha256())
                .isEqualTo(task.run(new Sha256Task.Params(1, 0L), LATER).sha256())
                .isNotEqualTo(task.run(new Sha256Task.Params(1, 1L), LATER).sha256())
                .hasSize(64);
    }
}
