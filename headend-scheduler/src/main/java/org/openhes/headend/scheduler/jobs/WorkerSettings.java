package org.openhes.headend.scheduler.jobs;

import java.time.Duration;

/**
 * @param nodeId       this node's name in leases
 * @param maxInFlight  jobs running at once on this node (match the connection pool's capacity)
 * @param claimBatch   jobs claimed per round trip
 * @param pollInterval how long to wait when nothing is due
 * @param lease        how long a claimed job stays ours without a heartbeat
 * @param urgentRoom   jobs beyond {@code maxInFlight} that only urgent ones (commands, on-demand reads) may take
 *                     while bulk reads fill the rest (match the connection pool's urgent reserve)
 */
public record WorkerSettings(String nodeId, int maxInFlight, int claimBatch, Duration pollInterval, Duration lease,
                             int urgentRoom) {
    public WorkerSettings(String nodeId, int maxInFlight, int claimBatch, Duration pollInterval, Duration lease) {
        this(nodeId, maxInFlight, claimBatch, pollInterval, lease, defaultUrgentRoom(maxInFlight));
    }

    /** 5 % of the bulk room, at least 1. */
    public static int defaultUrgentRoom(int maxInFlight) {
        return Math.max(1, maxInFlight / 20);
    }

    public WorkerSettings {
        if (maxInFlight < 1) throw new IllegalArgumentException("worker max in flight must be >= 1");
        if (claimBatch < 1) throw new IllegalArgumentException("worker claim batch must be >= 1");
        if (urgentRoom < 1) throw new IllegalArgumentException("worker urgent room must be >= 1");
    }
}
