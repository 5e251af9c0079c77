package org.openhes.headend.protocol.pool;

/**
 * Limits of the connection pool.
 *
 * @param maxSessions          sessions open at once, for the whole node
 * @param maxPerHost           sessions open at once to one remote host (a gateway, a concentrator)
 * @param maxNewPerSecond      new TCP connections per second (0 = unlimited)
 * @param maxWaiting           requests allowed to wait for a slot; beyond, they fail with POOL_SATURATED
 * @param maxPerGroup          sessions at once in one throttling group (a cell, a concentrator); 0 = no cap
 */
public record PoolSettings(int maxSessions, int maxPerHost, int maxNewPerSecond, int maxWaiting, int maxPerGroup) {
    public PoolSettings(int maxSessions, int maxPerHost, int maxNewPerSecond, int maxWaiting) {
        this(maxSessions, maxPerHost, maxNewPerSecond, maxWaiting, 0);
    }

    public PoolSettings {
        if (maxSessions < 1) throw new IllegalArgumentException("pool max sessions must be >= 1 (was " + maxSessions + ")");
        if (maxPerHost < 1) throw new IllegalArgumentException("pool max per host must be >= 1 (was " + maxPerHost + ")");
        if (maxNewPerSecond < 0) throw new IllegalArgumentException("pool max new connections per second must be >= 0 (was " + maxNewPerSecond + ")");
        if (maxWaiting < 0) throw new IllegalArgumentException("pool max waiting must be >= 0 (was " + maxWaiting + ")");
        if (maxPerGroup < 0) throw new IllegalArgumentException("pool max per group must be >= 0 (was " + maxPerGroup + ")");
    }

    public static PoolSettings defaults() {
        return new PoolSettings(2000, 4, 0, 100_000);
    }
}
