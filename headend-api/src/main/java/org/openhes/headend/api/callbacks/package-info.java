/**
 * Delivery to the platform, from the database: command callbacks from the outbox and subscription
 * batches from the feed, signed with HMAC-SHA256 ({@link org.openhes.headend.api.callbacks.CallbackSigner}),
 * retried with backoff, dead when refused for good or given up. Any node delivers what is due; a node
 * that dies loses nothing (scheduler package {@code delivery}).
 */
package org.openhes.headend.api.callbacks;
