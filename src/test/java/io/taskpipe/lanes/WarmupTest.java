package io.taskpipe.lanes;

import io.taskpipe.contract.Lane;
import io.taskpipe.intake.TaskDecoder;
import io.taskpipe.tasks.TaskContext;
import io.taskpipe.tasks.TaskHandler;
import io.taskpipe.tasks.TaskTypes;
import jakarta.validation.Validation;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;

class WarmupTest {

    record Params(@NotNull @Positive Integer n) {
    }

    /** A task type that counts its runs in {@code runs}; its sample is {@code n}, or none; it throws if {@code fails}. */
    private static TaskHandler<Params> counting(String type, Integer sample, boolean fails, LongAdder runs) {
        return new TaskHandler<>(type, Lane.CPU, Params.class) {
            @Override
            public Optional<Params> sample() {
                return Optional.ofNullable(sample).map(Params::new);
            }

            @Override
            public Object run(Params params, TaskContext context) {
                runs.increment();
                if (fails) {
                    throw new IllegalStateException("a bug in the sample");
                }
                return Map.of("n", params.n());
            }
        };
    }

    private static void warmUp(Duration budget, TaskHandler<?>... handlers) {
        List<TaskHandler<?>> all = List.of(handlers);
        TaskDecoder decoder = new TaskDecoder(new TaskTypes(all), Validation.buildDefaultValidatorFactory().getValidator(), 100_000);
        Warmup.run(Lane.CPU, decoder, all, budget);
    }

    @Test
    void samplesRunThroughDecodingAndTheirHandlerUntilTheBudgetIsSpent() {
        LongAdder counted = new LongAdder();
        LongAdder noSample = new LongAdder();
        long started = System.nanoTime();
        warmUp(Duration.ofMillis(300), counting("test.counted", 7, false, counted), counting("test.no-sample", null, false, noSample));
        long tookMs = (System.nanoTime() - started) / 1_000_000;

        assertThat(counted.sum()).isGreaterThan(1);
        assertThat(noSample.sum()).isZero();
        assertThat(tookMs).isBetween(300L, 5_000L);
    }

    @Test
    void aSampleThatIsRejectedOrFailsDoesNotStopTheOthersNorTheStart() {
        LongAdder rejected = new LongAdder();
        LongAdder failing = new LongAdder();
        LongAdder counted = new LongAdder();
        warmUp(Duration.ofMillis(500), counting("test.rejected", -1, false, rejected), counting("test.failing", 1, true, failing),
                counting("test.counted", 1, false, counted));

        assertThat(rejected.sum()).as("a sample its own validation refuses never reaches the handler").isZero();
        assertThat(failing.sum()).isPositive();
        // the samples run in turn, so this one ran after the other two
        assertThat(counted.sum()).isPositive();
    }

    @Test
    void noBudgetRunsNothing() {
        LongAdder counted = new LongAdder();
        warmUp(Duration.ZERO, counting("test.counted", 1, false, counted));
        assertThat(counted.sum()).isZero();
    }
}
