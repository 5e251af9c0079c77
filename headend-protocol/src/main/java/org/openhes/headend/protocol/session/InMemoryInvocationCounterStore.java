package org.openhes.headend.protocol.session;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Counters kept in memory: for one-off CLI sessions and tests. Starts every meter at {@code start}. */
public final class InMemoryInvocationCounterStore implements InvocationCounterStore {
    private final ConcurrentHashMap<String, AtomicLong> next = new ConcurrentHashMap<>();
    private final long start;

    public InMemoryInvocationCounterStore(long start) {
        this.start = start;
    }

    private AtomicLong counter(String meterId, int clientSap) {
        return next.computeIfAbsent(meterId + "/" + clientSap, k -> new AtomicLong(start));
    }

    @Override
    public CompletableFuture<Long> reserve(String meterId, int clientSap, int block) {
        return CompletableFuture.completedFuture(counter(meterId, clientSap).getAndAdd(block));
    }

    @Override
    public CompletableFuture<Void> advancePast(String meterId, int clientSap, long seen) {
        counter(meterId, clientSap).accumulateAndGet(seen + 1, Math::max);
        return CompletableFuture.completedFuture(null);
    }

    /** The next value that would be reserved. */
    public long peek(String meterId, int clientSap) {
        return counter(meterId, clientSap).get();
    }
}
