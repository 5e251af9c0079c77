package org.openhes.headend.protocol.session;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Work waiting to run in a meter's open session: urgent work runs as soon as the session's current
 * request completes (ahead of the rest of its operation), the rest after the operation, before the
 * release. Whatever is left when the session ends is handed back as {@link MeterClient.NotJoined}, so
 * the caller can run it in a session of its own. Thread-safe.
 */
final class SessionMailbox {
    /** One piece of joined work and its result. */
    record Joined<T>(String operation, boolean urgent, Function<MeterSession, CompletableFuture<T>> work, CompletableFuture<T> result) {
        /** Runs it in {@code session}; its failure is its own, not the session's operation's. */
        CompletableFuture<Void> runIn(MeterSession session) {
            CompletableFuture<T> f;
            try {
                f = work.apply(session);
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            return f.handle((v, e) -> {
                if (e != null) result.completeExceptionally(session.failure(e));
                else result.complete(v);
                return null;
            });
        }
    }

    private final Deque<Joined<?>> urgent = new ArrayDeque<>(), later = new ArrayDeque<>();
    private boolean closed;

    /** Queues {@code j}; false when the session is already ending. */
    synchronized boolean offer(Joined<?> j) {
        if (closed) return false;
        (j.urgent() ? urgent : later).add(j);
        return true;
    }

    synchronized Joined<?> pollUrgent() {
        return urgent.poll();
    }

    synchronized Joined<?> pollAny() {
        Joined<?> j = urgent.poll();
        return j != null ? j : later.poll();
    }

    synchronized boolean hasUrgent() {
        return !urgent.isEmpty();
    }

    /** No more work is taken; what was not run is handed back. */
    void close() {
        List<Joined<?>> left;
        synchronized (this) {
            closed = true;
            left = new ArrayList<>(urgent);
            left.addAll(later);
            urgent.clear();
            later.clear();
        }
        for (Joined<?> j : left) j.result().completeExceptionally(new MeterClient.NotJoined());
    }
}
