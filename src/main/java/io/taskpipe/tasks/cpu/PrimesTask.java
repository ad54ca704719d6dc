package io.taskpipe.tasks.cpu;

import io.taskpipe.contract.Lane;
import io.taskpipe.tasks.TaskContext;
import io.taskpipe.tasks.TaskHandler;
import jakarta.inject.Singleton;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;

import java.util.BitSet;
import java.util.Optional;

/**
 * {@code compute.primes}: counts the primes below {@code below} with a segmented sieve of
 * Eratosthenes, so memory stays at O(sqrt n) whatever the bound.
 */
@Singleton
public class PrimesTask extends TaskHandler<PrimesTask.Params> {

    private static final int SEGMENT = 1 << 18;

    public record Params(@NotNull @PositiveOrZero @Max(10_000_000_000L) Long below) {
    }

    public record Output(long count) {
    }

    public PrimesTask() {
        super("compute.primes", Lane.CPU, Params.class);
    }

    @Override
    public Optional<Params> sample() {
        return Optional.of(new Params(100_000L));
    }

    @Override
    public Output run(Params params, TaskContext context) {
        return new Output(countBelow(params.below(), context));
    }

    static long countBelow(long n, TaskContext context) {
        if (n <= 2) {
            return 0;
        }
        int root = (int) Math.sqrt((double) n) + 1;
        int[] basePrimes = smallPrimes(root);
        long count = 0;
        BitSet composite = new BitSet(SEGMENT);
        for (long low = 2; low < n; low += SEGMENT) {
            context.checkDeadline();
            long high = Math.min(low + SEGMENT, n);
            composite.clear();
            for (int p : basePrimes) {
                long square = (long) p * p;
                if (square >= high) {
                    break;
                }
                long first = Math.max(square, (low + p - 1) / p * p);
                for (long m = first; m < high; m += p) {
                    composite.set((int) (m - low));
                }
            }
            count += (high - low) - composite.cardinality();
        }
        return count;
    }

    private static int[] smallPrimes(int limit) {
        BitSet composite = new BitSet(limit + 1);
        int count = 0;
        int[] primes = new int[Math.max(16, limit / 2)];
        for (int i = 2; i <= limit; i++) {
            if (!composite.get(i)) {
                primes[count++] = i;
                for (long m = (long) i * i; m <= limit; m += i) {
                    composite.set((int) m);
                }
            }
        }
        return java.util.Arrays.copyOf(primes, count);
    }
}
