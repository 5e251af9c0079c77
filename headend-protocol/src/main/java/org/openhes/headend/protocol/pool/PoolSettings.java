package org.openhes.headend.protocol.pool;

/**
 * Limits of the connection pool.
 *
 * @param maxSessions          sessions open at once, for the whole node
 * @param maxPerHost           sessions open at once to one remote host (a gateway, a concentrator)
 * @param maxNewPerSecond      new TCP connections per second (0 = unlimited)
 * @param maxWaiting           requests allowed to wait for a slot; beyond, they fail with POOL_SATURATED
 * @param maxPerGroup          sessions at once in one throttling group (a cell, a concentrator); 0 = no cap
 * @param urgentReserve        slots of {@code maxSessions} that only urgent sessions (commands, field engineers' reads)
 *                             may take: bulk reads never fill the whole pool, so a command need not wait for one of
 *                             them to end (it still waits for a session with its own meter)
 */
public record PoolSettings(int maxSessions, int maxPerHost, int maxNewPerSecond, int maxWaiting, int maxPerGroup,
                           int urgentReserve) {
    public PoolSettings(int maxSessions, int maxPerHost, int maxNewPerSecond, int maxWaiting) {
        this(maxSessions, maxPerHost, maxNewPerSecond, maxWaiting, 0);
    }

    public PoolSettings(int maxSessions, int maxPerHost, int maxNewPerSecond, int maxWaiting, int maxPerGroup) {
        this(maxSessions, maxPerHost, maxNewPerSecond, maxWaiting, maxPerGroup, defaultUrgentReserve(maxSessions));
    }

    /** 1 % of the pool, at most 50 slots; none for pools under 100 sessions. */
    public static int defaultUrgentReserve(int maxSessions) {
        return Math.min(50, maxSessions / 100);
    }

    public PoolSettings {
        if (maxSessions < 1) throw new IllegalArgumentException("pool max sessions must be >= 1 (was " + maxSessions + ")");
        if (maxPerHost < 1) throw new IllegalArgumentException("pool max per host must be >= 1 (was " + maxPerHost + ")");
        if (maxNewPerSecond < 0) throw new IllegalArgumentException("pool max new connections per second must be >= 0 (was " + maxNewPerSecond + ")");
        if (maxWaiting < 0) throw new IllegalArgumentException("pool max waiting must be >= 0 (was " + maxWaiting + ")");
        if (maxPerGroup < 0) throw new IllegalArgumentException("pool max per group must be >= 0 (was " + maxPerGroup + ")");
        if (urgentReserve < 0 || urgentReserve >= maxSessions) {
            throw new IllegalArgumentException("pool urgent reserve must be >= 0 and below the pool's " + maxSessions
                    + " sessions (was " + urgentReserve + ")");
        }
    }

    public static PoolSettings defaults() {
        return new PoolSettings(2000, 4, 0, 100_000);
    }
}
