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
    /** Queued urgent jobs as last counted in the database, plus those this node committed since. */
    private long counted;
    /** Admitted here, insert not yet committed. */
    private long inFlight;
    private long countedAt = System.nanoTime() - Duration.ofSeconds(1).toNanos();

    public Throttles(long maxQueued, LongSupplier queuedUrgentJobs, int maxAuthFailuresPerMinute) {
        this.maxQueued = maxQueued;
        this.queuedUrgentJobs = queuedUrgentJobs;
        this.maxAuthFailuresPerMinute = maxAuthFailuresPerMinute;
    }

    /**
     * A place in the queue of urgent work, or 429 when it is full. The queue is counted in the
     * database at most every 500 ms; in between, what this node admitted is added (while its insert is
     * in flight, and once committed), so concurrent requests on one node never overshoot the bound.
     * Others nodes' acceptances show at the next count. Close the admission once the insert is done.
     */
    synchronized Admission admit() {
        long now = System.nanoTime();
        if (now - countedAt > Duration.ofMillis(500).toNanos()) {
            countedAt = now;
            counted = queuedUrgentJobs.getAsLong();
        }
        long queued = counted + inFlight;
        if (queued >= maxQueued) {
            throw new ApiProblem(429, "Too many requests", queued + " commands and reads are already queued (limit "
                    + maxQueued + "); retry later", null, 1);
        }
        inFlight++;
        return new Admission();
    }

    /**
     * Places for up to {@code wanted} urgent jobs of one bulk order: as many as the queue's bound leaves
     * (possibly none, no 429: the lines beyond are refused one by one). Close once the inserts are done.
     */
    synchronized BulkAdmission admitUpTo(int wanted) {
        long now = System.nanoTime();
        if (now - countedAt > Duration.ofMillis(500).toNanos()) {
            countedAt = now;
            counted = queuedUrgentJobs.getAsLong();
        }
        int granted = (int) Math.max(0, Math.min(wanted, maxQueued - counted - inFlight));
        inFlight += granted;
        return new BulkAdmission(granted);
    }

    /** Places granted to a bulk order; {@link #queued(int)} with how many were committed, then close. */
    final class BulkAdmission implements AutoCloseable {
        private final int granted;
        private int queued;
        private boolean closed;

        BulkAdmission(int granted) {
            this.granted = granted;
        }

        int granted() {
            return granted;
        }

        void queued(int n) {
            queued = Math.min(granted, n);
        }

        @Override
        public void close() {
            synchronized (Throttles.this) {
                if (closed) return;
                closed = true;
                inFlight -= granted;
                counted += queued;
            }
        }
    }

    /** One admitted request; {@link #queued()} once its job is committed, then close. */
    final class Admission implements AutoCloseable {
        private boolean queued, closed;

        void queued() {
            queued = true;
        }

        @Override
        public void close() {
            synchronized (Throttles.this) {
                if (closed) return;
                closed = true;
                inFlight--;
                if (queued) counted++;
            }
        }
    }

    /** Throws 429 when {@code address} failed to authenticate too often in the last minute. */
    public void checkAuthAllowed(String address) {
        long[] f = failures.get(address);
        if (f != null && System.nanoTime() - f[1] < Duration.ofMinutes(1).toNanos() && f[0] >= maxAuthFailuresPerMinute) {
            throw new ApiProblem(429, "Too many failed authentications", "too many requests with a bad token from " + address
                    + "; wait a minute", null, 60);
        }
    }

    /** Counts a bad token from {@code address}. */
    public void authFailed(String address) {
        failures.compute(address, (k, f) -> {
            long now = System.nanoTime();
            if (f == null || now - f[1] > Duration.ofMinutes(1).toNanos()) return new long[] {1, now};
            f[0]++;
            return f;
        });
    }
}
