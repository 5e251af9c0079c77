package org.openhes.headend.api.node;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.openhes.headend.protocol.session.InvocationCounterStore;
import org.openhes.headend.scheduler.counters.InvocationCounters;

/** The protocol layer's counter store, backed by PostgreSQL; database calls run on {@code executor}, not I/O threads. */
final class DbInvocationCounterStore implements InvocationCounterStore {
    private final InvocationCounters counters;
    private final Executor executor;

    DbInvocationCounterStore(InvocationCounters counters, Executor executor) {
        this.counters = counters;
        this.executor = executor;
    }

    @Override
    public CompletableFuture<Long> reserve(String meterId, int clientSap, int block) {
        return CompletableFuture.supplyAsync(() -> counters.reserve(meterId, clientSap, block), executor);
    }

    @Override
    public CompletableFuture<Void> advancePast(String meterId, int clientSap, long seen) {
        return CompletableFuture.runAsync(() -> counters.advancePast(meterId, clientSap, seen), executor);
    }
}
