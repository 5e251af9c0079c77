package org.openhes.headend.api.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Gathers items from many concurrent sessions and hands them to a sink in batches, on one thread, so
 * the database sees a few large statements instead of many small ones. Each caller's future completes
 * when the batch holding its items has been written (so a job is completed only after its reads are
 * durable), or exceptionally with the sink's error. The sink must be idempotent: when one of several
 * chunks fails, every caller of that round is failed and will retry, including those already written.
 */
public final class BatchWriter<T> implements AutoCloseable {
    private final Consumer<List<T>> sink;
    private final int maxBatch;
    private final long maxDelayNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    private List<T> items = new ArrayList<>();
    private List<CompletableFuture<Void>> waiters = new ArrayList<>();
    private long firstAddedAt;
    private boolean closed;
    private final Thread flusher;

    public BatchWriter(String name, Consumer<List<T>> sink, int maxBatch, java.time.Duration maxDelay) {
        this.sink = Objects.requireNonNull(sink, "sink");
        if (maxBatch < 1) throw new IllegalArgumentException("maxBatch must be >= 1 (was " + maxBatch + ")");
        if (maxDelay.isNegative() || maxDelay.isZero()) throw new IllegalArgumentException("maxDelay must be > 0 (was " + maxDelay + ")");
        this.maxBatch = maxBatch;
        this.maxDelayNanos = maxDelay.toNanos();
        this.flusher = Thread.ofPlatform().name(name).daemon().start(this::run);
    }

    /** Queues the items; the future completes once they are written. */
    public CompletableFuture<Void> add(List<T> batch) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (batch.isEmpty()) {
            done.complete(null);
            return done;
        }
        lock.lock();
        try {
            if (closed) {
                done.completeExceptionally(new IllegalStateException("batch writer is closed"));
                return done;
            }
            boolean wasEmpty = items.isEmpty();
            if (wasEmpty) firstAddedAt = System.nanoTime();
            items.addAll(batch);
            waiters.add(done);
            // Wake the flusher when its wait changes: the first item starts the delay, a full batch ends it.
            if (wasEmpty || items.size() >= maxBatch) ready.signal();
        } finally {
            lock.unlock();
        }
        return done;
    }

    private void run() {
        while (true) {
            List<T> toWrite;
            List<CompletableFuture<Void>> toComplete;
            lock.lock();
            try {
                while (true) {
                    if (!items.isEmpty()) {
                        long waited = System.nanoTime() - firstAddedAt;
                        if (items.size() >= maxBatch || waited >= maxDelayNanos || closed) break;
                        ready.awaitNanos(maxDelayNanos - waited);
                    } else if (closed) {
                        return;
                    } else {
                        ready.await();
                    }
                }
                toWrite = items;
                toComplete = waiters;
                items = new ArrayList<>();
                waiters = new ArrayList<>();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                lock.unlock();
            }
            try {
                // Producers may outrun the flusher; the sink still never sees more than maxBatch items.
                for (int from = 0; from < toWrite.size(); from += maxBatch) {
                    sink.accept(toWrite.subList(from, Math.min(toWrite.size(), from + maxBatch)));
                }
                toComplete.forEach(f -> f.complete(null));
            } catch (RuntimeException e) {
                toComplete.forEach(f -> f.completeExceptionally(e));
            }
        }
    }

    /** Writes what is queued, then stops. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            ready.signal();
        } finally {
            lock.unlock();
        }
        try {
            flusher.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
