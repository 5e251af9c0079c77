package org.openhes.headend.scheduler.delivery;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A platform's subscription to the feed: where to POST, which kinds, and how far it has acknowledged. */
public record Subscription(UUID id, String url, List<FeedKind> kinds, int batchSize, String caller, State state,
                           FeedPosition cursor, int failures, Instant failingSince, String lastError, Instant nextAttemptAt,
                           long deliveredItems, Instant deliveredAt, Instant createdAt) {
    public enum State { ACTIVE, DEAD }
}
