package io.taskpipe.tasks.cpu;

import io.taskpipe.contract.Lane;
import io.taskpipe.tasks.TaskContext;
import io.taskpipe.tasks.TaskHandler;
import jakarta.inject.Singleton;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import java.util.Optional;

/**
 * {@code compute.sum}: the sum of 0..n-1 by a loop, the classic CPU benchmark (Python's
 * {@code sum(range(n))}). The loop runs in chunks of 4M with a deadline check between them. HotSpot
 * unrolls and vectorizes the additions but does not replace them with the closed form: the time grows
 * linearly with n.
 */
@Singleton
public class SumTask extends TaskHandler<SumTask.Params> {

    private static final long CHUNK = 1 << 22;

    public record Params(@NotNull @PositiveOrZero @Max(1_000_000_000_000L) Long n) {
    }

    public record Output(long sum) {
    }

    public SumTask() {
        super("compute.sum", Lane.CPU, Params.class);
    }

    @Override
    public Optional<Params> sample() {
        return Optional.of(new Params(1L << 20));
    }

    @Override
    public Output run(Params params, TaskContext context) {
        long n = params.n();
        long sum = 0;
        for (long start = 0; start < n; start += CHUNK) {
            context.checkDeadline();
            sum = addRange(sum, start, Math.min(start + CHUNK, n));
        }
        return new Output(sum);
    }

    private static long addRange(long sum, long from, long to) {
        for (long i = from; i < to; i++) {
            sum += i;
        }
        return sum;
    }
}
