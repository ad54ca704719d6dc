package io.taskpipe.execution;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When to run a transiently failing task again: exponential backoff with jitter, up to
 * {@code maxAttempts} runs in all.
 *
 * @param jitter the random spread of each wait as a fraction of it (0.2 = ±20 %)
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, double multiplier, Duration maxBackoff, double jitter) {

    /** The wait before retry number {@code retry} (1 for the first retry). */
    public Duration backoff(int retry) {
        double base = Math.min(maxBackoff.toNanos(), initialBackoff.toNanos() * Math.pow(multiplier, retry - 1));
        double spread = base * jitter * (2 * ThreadLocalRandom.current().nextDouble() - 1);
        return Duration.ofNanos((long) Math.max(0, base + spread));
    }
}
