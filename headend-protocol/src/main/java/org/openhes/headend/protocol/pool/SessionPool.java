package org.openhes.headend.protocol.pool;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.openhes.headend.protocol.MeterException;
import org.openhes.headend.protocol.MeterFailureKind;

/**
 * Admission control for meter sessions, without holding a thread per waiter: a global cap, a cap per
 * remote host, a cap on new connections per second, and at most one session per meter (later requests
 * for the same meter wait their turn). Urgent requests go ahead of bulk ones and have a few slots
 * of their own ({@code urgentReserve}) that bulk reads never take. Waiters are served first come, first
 * served among those that are allowed to run; beyond {@code maxWaiting} requests fail at once with
 * POOL_SATURATED.
 */
public final class SessionPool implements AutoCloseable {
    /** A granted slot; release it exactly once. */
    public final class Permit {
        private final String meter;
        private final String host;
        private final String group;
        private boolean released;

        private Permit(String meter, String host, String group) {
            this.meter = meter;
            this.host = host;
            this.group = group;
        }

        public void release() {
            synchronized (SessionPool.this) {
                if (released) return;
                released = true;
                active--;
                busyMeters.remove(meter);
                int n = perHost.merge(host, -1, Integer::sum);
                if (n <= 0) perHost.remove(host);
                if (group != null) {
                    int g = perGroup.merge(group, -1, Integer::sum);
                    if (g <= 0) perGroup.remove(group);
                }
            }
            drain();
        }
    }

    private record Waiter(String meter, String host, String group, CompletableFuture<Permit> future, boolean urgent) {
    }

    private final PoolSettings settings;
    private final LinkedList<Waiter> waiters = new LinkedList<>();
    private final Set<String> busyMeters = new HashSet<>();
    private final Map<String, Integer> perHost = new HashMap<>();
    private final Map<String, Integer> perGroup = new HashMap<>();
    private final ScheduledExecutorService timer;
    private int active;
    private double tokens;
    private long lastRefillNanos = System.nanoTime();
    private boolean drainScheduled;
    private boolean closed;

    public SessionPool(PoolSettings settings) {
        this.settings = settings;
        this.tokens = Math.max(1, settings.maxNewPerSecond());
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "session-pool-timer");
            t.setDaemon(true);
            return t;
        });
    }

    /** Completes when a session to {@code meter} at {@code host} may start. */
    public CompletableFuture<Permit> acquire(String meter, String host) {
        return acquire(meter, host, false);
    }

    /**
     * As {@link #acquire(String, String)}; an {@code urgent} request (a command, a field engineer's read)
     * goes ahead of the waiting bulk reads.
     */
    public CompletableFuture<Permit> acquire(String meter, String host, boolean urgent) {
        return acquire(meter, host, null, urgent);
    }

    /** As above, also capped per throttling {@code group} (null: no group). */
    public CompletableFuture<Permit> acquire(String meter, String host, String group, boolean urgent) {
        CompletableFuture<Permit> f = new CompletableFuture<>();
        synchronized (this) {
            if (closed) {
                f.completeExceptionally(new MeterException(MeterFailureKind.POOL_SATURATED, meter, "pool", "the pool is closed"));
                return f;
            }
            if (waiters.size() >= settings.maxWaiting()) {
                f.completeExceptionally(new MeterException(MeterFailureKind.POOL_SATURATED, meter, "pool",
                        waiters.size() + " requests already waiting (limit " + settings.maxWaiting() + ")"));
                return f;
            }
            Waiter w = new Waiter(meter, host, settings.maxPerGroup() > 0 ? group : null, f, urgent);
            if (urgent) {
                // behind earlier urgent ones, ahead of every bulk request
                int at = 0;
                for (Waiter x : waiters) {
                    if (!x.urgent()) break;
                    at++;
                }
                waiters.add(at, w);
            } else {
                waiters.add(w);
            }
        }
        drain();
        return f;
    }

    /** Grants slots to eligible waiters; completes their futures outside the lock. */
    private void drain() {
        List<Waiter> granted = new ArrayList<>();
        List<Permit> permits = new ArrayList<>();
        long delayNanos = 0;
        synchronized (this) {
            refill();
            Iterator<Waiter> it = waiters.iterator();
            while (it.hasNext() && active < settings.maxSessions()) {
                Waiter w = it.next();
                if (w.future().isDone()) { // cancelled by the caller
                    it.remove();
                    continue;
                }
                // urgent waiters come first; from the first bulk one on, only the slots outside the reserve count
                if (!w.urgent() && active >= settings.maxSessions() - settings.urgentReserve()) break;
                if (busyMeters.contains(w.meter())) continue;
                if (perHost.getOrDefault(w.host(), 0) >= settings.maxPerHost()) continue;
                if (w.group() != null && perGroup.getOrDefault(w.group(), 0) >= settings.maxPerGroup()) continue;
                if (settings.maxNewPerSecond() > 0) {
                    if (tokens < 1) {
                        delayNanos = (long) ((1 - tokens) * 1e9 / settings.maxNewPerSecond()) + 1;
                        break;
                    }
                    tokens -= 1;
                }
                it.remove();
                active++;
                busyMeters.add(w.meter());
                perHost.merge(w.host(), 1, Integer::sum);
                if (w.group() != null) perGroup.merge(w.group(), 1, Integer::sum);
                granted.add(w);
                permits.add(new Permit(w.meter(), w.host(), w.group()));
            }
            if (delayNanos > 0 && !drainScheduled && !closed) {
                drainScheduled = true;
                timer.schedule(() -> {
                    synchronized (this) {
                        drainScheduled = false;
                    }
                    drain();
                }, delayNanos, TimeUnit.NANOSECONDS);
            }
        }
        for (int k = 0; k < granted.size(); k++) {
            if (!granted.get(k).future().complete(permits.get(k))) permits.get(k).release();
        }
    }

    private void refill() {
        if (settings.maxNewPerSecond() <= 0) return;
        long now = System.nanoTime();
        tokens = Math.min(settings.maxNewPerSecond(), tokens + (now - lastRefillNanos) * settings.maxNewPerSecond() / 1e9);
        lastRefillNanos = now;
    }

    public synchronized int active() {
        return active;
    }

    public synchronized int waiting() {
        return waiters.size();
    }

    public int maxSessions() {
        return settings.maxSessions();
    }

    @Override
    public void close() {
        List<Waiter> left;
        synchronized (this) {
            closed = true;
            left = new ArrayList<>(waiters);
            waiters.clear();
        }
        for (Waiter w : left) {
            w.future().completeExceptionally(new MeterException(MeterFailureKind.POOL_SATURATED, w.meter(), "pool", "the pool is closing"));
        }
        timer.shutdownNow();
    }
}
