package org.openhes.headend.scheduler.delivery;

import java.time.Instant;

/**
 * One entry of the feed: what happened ({@code kind}), to which meter, and the key of the stored row it
 * points to ({@code ref}: a command's id, an event's id, a read's capture time and source).
 */
public record FeedEntry(FeedPosition position, FeedKind kind, String meterId, String ref, Instant createdAt) {
}
