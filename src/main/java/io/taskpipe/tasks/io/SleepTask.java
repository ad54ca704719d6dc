package io.taskpipe.tasks.io;

import io.taskpipe.contract.Lane;
import io.taskpipe.tasks.TaskContext;
import io.taskpipe.tasks.TaskHandler;
import jakarta.inject.Singleton;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;

import java.util.Optional;

/** {@code io.sleep}: waits, doing nothing else. The pure waiting task the benchmarks use. */
@Singleton
public class SleepTask extends TaskHandler<SleepTask.Params> {

    public record Params(@NotNull @PositiveOrZero @Max(3_600_000) Long millis) {
    }

    public record Output(long sleptMs) {
    }

    public SleepTask() {
        super("io.sleep", Lane.IO, Params.class);
    }

    @Override
    public Optional<Params> sample() {
        return Optional.of(new Params(0L));
    }

    @Override
    public Output run(Params params, TaskContext context) throws InterruptedException {
        long start = System.nanoTime();
        if (params.millis() > 0) {
            Thread.sleep(params.millis());
        }
        return new Output((System.nanoTime() - start) / 1_000_000);
    }
}
