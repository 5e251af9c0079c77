package org.openhes.headend.api.http;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Back-pressure and abuse limits of the API: too many urgent jobs already queued (commands and
 * on-demand reads) → 429 instead of growing without bound; too many failed authentications from one
 * address within a minute → 429 for that address.
 */
public final class Throttles {
    private final long maxQueued;
    private final LongSupplier queuedUrgentJobs;
    private final int maxAuthFailuresPerMinute;
    private final Map<String, long[]> failures = new ConcurrentHashMap<>();
    private volatile long cachedQueued;
    private volatile long cachedAt;

    public Throttles(long maxQueued, LongSupplier queuedUrgentJobs, int maxAuthFailuresPerMinute) {
        this.maxQueued = maxQueued;
        this.queuedUrgentJobs = queuedUrgentJobs;
        this.maxAuthFailuresPerMinute = maxAuthFailuresPerMinute;
    }

    /** Throws 429 when the queue of urgent work is full (the count is refreshed at most every 500 ms). */
    void checkQueue() {
        long now = System.nanoTime();
        if (now - cachedAt > Duration.ofMillis(500).toNanos()) {
            cachedQueued = queuedUrgentJobs.getAsLong();
            cachedAt = now;
        }
        if (cachedQueued >= maxQueued) {
            throw new ApiProblem(429, "Too many requests", cachedQueued + " commands and reads are already queued (limit "
                    + maxQueued + "); retry later", null);
        }
        cachedQueued++;
    }

    /** Throws 429 when {@code address} failed to authenticate too often in the last minute. */
    void checkAuthAllowed(String address) {
        long[] f = failures.get(address);
        if (f != null && System.nanoTime() - f[1] < Duration.ofMinutes(1).toNanos() && f[0] >= maxAuthFailuresPerMinute) {
            throw new ApiProblem(429, "Too many failed authentications", "too many requests with a bad token from " + address
                    + "; wait a minute", null);
        }
    }

    void authFailed(String address) {
        failures.compute(address, (k, f) -> {
            long now = System.nanoTime();
            if (f == null || now - f[1] > Duration.ofMinutes(1).toNanos()) return new long[] {1, now};
            f[0]++;
            return f;
        });
    }
}
