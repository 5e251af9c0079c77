package org.openhes.headend.protocol.session;

import java.util.concurrent.CompletableFuture;

/**
 * Where a head-end keeps the invocation counters it uses towards each meter. Implementations must
 * persist before completing: a value handed out is never handed out again, even after a crash.
 */
public interface InvocationCounterStore {
    /** Reserves {@code block} consecutive values for (meter, client SAP); completes with the first. */
    CompletableFuture<Long> reserve(String meterId, int clientSap, int block);

    /** The meter has seen {@code seen}: every later reservation starts above it. Never lowers anything. */
    CompletableFuture<Void> advancePast(String meterId, int clientSap, long seen);
}
