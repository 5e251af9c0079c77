package org.openhes.headend.api.http;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.openhes.headend.scheduler.jobs.JobQueue;
import org.openhes.headend.scheduler.jobs.JobQueue.JobView;

/**
 * Requests waiting for a job to end (an on-demand read answered inline): one query every
 * {@link #POLL} for all of them, whichever node runs the jobs, instead of one query per request per
 * poll. A waiter ends with the job's view when it has SUCCEEDED or is DEAD, or when its deadline
 * passes (then the view says where the job is). At most {@link #MAX_WAITERS} wait; past that a
 * request is answered at once.
 */
final class JobWaiters implements AutoCloseable {
    static final Duration POLL = Duration.ofMillis(100);
    static final int MAX_WAITERS = 10_000;

    private record Waiter(long deadlineNanos, CompletableFuture<JobView> done) {
    }

    private final JobQueue jobs;
    private final Map<Long, Waiter> waiting = new ConcurrentHashMap<>();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "api-job-waiters");
        t.setDaemon(true);
        return t;
    });

    JobWaiters(JobQueue jobs) {
        this.jobs = jobs;
        poller.scheduleWithFixedDelay(this::poll, POLL.toMillis(), POLL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Completes when the job ends or {@code max} has passed; null when too many are waiting already. */
    CompletableFuture<JobView> await(long jobId, Duration max) {
        if (waiting.size() >= MAX_WAITERS) return null;
        CompletableFuture<JobView> done = new CompletableFuture<>();
        waiting.put(jobId, new Waiter(System.nanoTime() + max.toNanos(), done));
        return done;
    }

    int waiting() {
        return waiting.size();
    }

    private void poll() {
        if (waiting.isEmpty()) return;
        Map<Long, JobView> views;
        try {
            views = jobs.findAll(waiting.keySet());
        } catch (RuntimeException databaseDown) {
            failExpired(databaseDown);
            return;
        }
        long now = System.nanoTime();
        waiting.forEach((id, w) -> {
            JobView v = views.get(id);
            boolean ended = v != null && (v.state().equals("SUCCEEDED") || v.state().equals("DEAD"));
            if (ended || now - w.deadlineNanos() > 0) {
                waiting.remove(id);
                w.done().complete(v);
            }
        });
    }

    /** While the database cannot be asked, waiters whose deadline passed end with the failure. */
    private void failExpired(RuntimeException e) {
        long now = System.nanoTime();
        waiting.forEach((id, w) -> {
            if (now - w.deadlineNanos() > 0) {
                waiting.remove(id);
                w.done().completeExceptionally(e);
            }
        });
    }

    @Override
    public void close() {
        poller.shutdownNow();
        waiting.values().forEach(w -> w.done().cancel(false));
    }
}
