package org.openhes.headend.api.jobs;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Gathers items from many concurrent sessions and hands them to a sink in batches, on one or a few
 * flusher threads, so the database sees a few large statements instead of many small ones. With two
 * flushers, one batch is written while the database answers the other's (README "Performance": read
 * rows stored, one flusher against two). Each caller's future completes when the batch holding its
 * items has been written (so a job is completed only after its reads are
 * durable), or exceptionally with the sink's error. The sink must be idempotent: when one of several
 * chunks fails, every caller of that round is failed and will retry, including those already written.
 * A flusher takes whole callers' entries up to one batch, so that a burst is shared among flushers.
 */
public final class BatchWriter<T> implements AutoCloseable {
    private record Entry<T>(List<T> items, CompletableFuture<Void> done) {
    }

    private final Consumer<List<T>> sink;
    private final int maxBatch;
    private final long maxDelayNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    private final ArrayDeque<Entry<T>> queue = new ArrayDeque<>();
    private int queuedItems;
    private long firstAddedAt;
    private boolean closed;
    private final List<Thread> flushers = new ArrayList<>();

    public BatchWriter(String name, Consumer<List<T>> sink, int maxBatch, java.time.Duration maxDelay) {
        this(name, sink, maxBatch, maxDelay, 1);
    }

    /** @param flusherThreads how many batches may be in the sink at once (each on its own thread) */
    public BatchWriter(String name, Consumer<List<T>> sink, int maxBatch, java.time.Duration maxDelay, int flusherThreads) {
        this.sink = Objects.requireNonNull(sink, "sink");
        if (maxBatch < 1) throw new IllegalArgumentException("maxBatch must be >= 1 (was " + maxBatch + ")");
        if (maxDelay.isNegative() || maxDelay.isZero()) throw new IllegalArgumentException("maxDelay must be > 0 (was " + maxDelay + ")");
        this.maxBatch = maxBatch;
        this.maxDelayNanos = maxDelay.toNanos();
        if (flusherThreads < 1) throw new IllegalArgumentException("flusherThreads must be >= 1 (was " + flusherThreads + ")");
        for (int i = 1; i <= flusherThreads; i++) {
            flushers.add(Thread.ofPlatform().name(flusherThreads == 1 ? name : name + "-" + i).daemon().start(this::run));
        }
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
            boolean wasEmpty = queue.isEmpty();
            if (wasEmpty) firstAddedAt = System.nanoTime();
            queue.add(new Entry<>(batch, done));
            queuedItems += batch.size();
            // Wake a flusher when its wait changes: the first item starts the delay, a full batch ends it.
            if (wasEmpty || queuedItems >= maxBatch) ready.signal();
        } finally {
            lock.unlock();
        }
        return done;
    }

    private void run() {
        while (true) {
            List<Entry<T>> taken = new ArrayList<>();
            lock.lock();
            try {
                while (true) {
                    if (!queue.isEmpty()) {
                        long waited = System.nanoTime() - firstAddedAt;
                        if (queuedItems >= maxBatch || waited >= maxDelayNanos || closed) break;
                        ready.awaitNanos(maxDelayNanos - waited);
                    } else if (closed) {
                        return;
                    } else {
                        ready.await();
                    }
                }
                // Whole callers' entries, up to one batch (at least one entry): what is left is another
                // flusher's, at once (it has waited as long as this batch).
                int n = 0;
                while (!queue.isEmpty() && (taken.isEmpty() || n + queue.peek().items().size() <= maxBatch)) {
                    Entry<T> e = queue.poll();
                    n += e.items().size();
                    taken.add(e);
                }
                queuedItems -= n;
                if (!queue.isEmpty()) ready.signal();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                lock.unlock();
            }
            List<T> toWrite = new ArrayList<>();
            for (Entry<T> e : taken) toWrite.addAll(e.items());
            try {
                // One caller's entry may exceed a batch: the sink still never sees more than maxBatch items.
                for (int from = 0; from < toWrite.size(); from += maxBatch) {
                    sink.accept(toWrite.subList(from, Math.min(toWrite.size(), from + maxBatch)));
                }
                taken.forEach(e -> e.done().complete(null));
            } catch (RuntimeException e) {
                taken.forEach(entry -> entry.done().completeExceptionally(e));
            }
        }
    }

    /** Writes what is queued, then stops. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            ready.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            for (Thread t : flushers) t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
