package io.taskpipe.tasks.io;

import io.taskpipe.tasks.Lane;
import io.taskpipe.tasks.TaskContext;
import io.taskpipe.tasks.TaskHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;

/** {@code io.sleep}: waits, doing nothing else. The pure waiting task the benchmarks use. */
@ApplicationScoped
public class SleepTask implements TaskHandler<SleepTask.Params> {

    public record Params(@NotNull @PositiveOrZero @Max(3_600_000) Long millis) {
    }

    public record Output(long sleptMs) {
    }

    @Override
    public String type() {
        return "io.sleep";
    }

    @Override
    public Lane lane() {
        return Lane.IO;
    }

    @Override
    public Class<Params> paramsType() {
        return Params.class;
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
