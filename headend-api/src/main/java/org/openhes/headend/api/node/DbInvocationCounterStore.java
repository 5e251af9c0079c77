package org.openhes.headend.api.node;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.openhes.headend.protocol.session.InvocationCounterStore;
import org.openhes.headend.scheduler.counters.InvocationCounters;

/**
 * The protocol layer's counter store, backed by PostgreSQL. Reservations arriving together from many
 * sessions are gathered by one thread into a single {@code INSERT ... ON CONFLICT ... RETURNING}; a
 * value is handed out only after that statement committed. Nothing runs on I/O threads. A meter pinned
 * to a key version (a renewal trying its pending keys) gets that version's counter.
 */
final class DbInvocationCounterStore implements InvocationCounterStore, AutoCloseable {
    private record Pending(InvocationCounters.Request request, CompletableFuture<Long> result) {
    }

    private final InvocationCounters counters;
    private final org.openhes.headend.scheduler.counters.KeyVersionPins pins;
    private final Executor executor;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread batcher;
    private volatile boolean running = true;

    DbInvocationCounterStore(InvocationCounters counters, org.openhes.headend.scheduler.counters.KeyVersionPins pins, Executor executor) {
        this.counters = counters;
        this.pins = pins;
        this.executor = executor;
        this.batcher = Thread.ofPlatform().name("counter-reservations").daemon().start(this::run);
    }

    @Override
    public CompletableFuture<Long> reserve(String meterId, int clientSap, int block) {
        CompletableFuture<Long> f = new CompletableFuture<>();
        queue.add(new Pending(new InvocationCounters.Request(meterId, clientSap, block, pins.of(meterId)), f));
        return f;
    }

    @Override
    public CompletableFuture<Void> advancePast(String meterId, int clientSap, long seen) {
        Integer version = pins.of(meterId);
        return CompletableFuture.runAsync(() -> counters.advancePast(meterId, clientSap, version, seen), executor);
    }

    private void run() {
        List<Pending> deferred = new ArrayList<>();
        while (running) {
            List<Pending> batch = new ArrayList<>(deferred);
            deferred.clear();
            try {
                if (batch.isEmpty()) {
                    Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                    if (first == null) continue;
                    batch.add(first);
                }
                queue.drainTo(batch, 999);
            } catch (InterruptedException e) {
                return;
            }
            // one statement may touch a (meter, client) pair once: later requests for a pair wait a round
            Set<String> seen = new HashSet<>();
            List<Pending> now = new ArrayList<>(batch.size());
            for (Pending p : batch) {
                if (seen.add(p.request().meterId() + "/" + p.request().clientSap())) now.add(p); else deferred.add(p);
            }
            try {
                long[] first = counters.reserveAll(now.stream().map(Pending::request).toList());
                for (int k = 0; k < now.size(); k++) now.get(k).result().complete(first[k]);
            } catch (RuntimeException e) {
                for (Pending p : now) p.result().completeExceptionally(e);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        batcher.interrupt();
    }
}
