package org.openhes.headend.scheduler.jobs;

import java.time.Duration;
import java.time.Instant;
import java.util.function.DoubleSupplier;

/**
 * When to try a failed job again: exponential backoff with full jitter, bounded by a maximum delay,
 * the job's attempts and its deadline. Non-retryable failures are dead at once.
 */
public record RetryPolicy(Duration base, Duration max) {
    /** Retry at {@code at}, or dead with {@code reason}. */
    public record Decision(boolean retry, Instant at, String reason) {
    }

    public static RetryPolicy defaults() {
        return new RetryPolicy(Duration.ofSeconds(30), Duration.ofMinutes(30));
    }

    public Decision next(int attempt, int maxAttempts, JobResult failure, Instant now, Instant deadline, DoubleSupplier random) {
        if (!failure.retryable()) return new Decision(false, null, "not retryable: " + failure.failureKind());
        if (attempt >= maxAttempts) return new Decision(false, null, "gave up after " + attempt + " attempts");
        long cap = Math.min(max.toMillis(), base.toMillis() * (1L << Math.min(20, attempt - 1)));
        long delay = (long) (random.getAsDouble() * cap);
        Instant at = now.plusMillis(Math.max(delay, 1000));
        if (deadline != null && at.isAfter(deadline)) return new Decision(false, null, "deadline passed");
        return new Decision(true, at, null);
    }
}
