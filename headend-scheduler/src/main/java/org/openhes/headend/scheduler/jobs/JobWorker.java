package org.openhes.headend.scheduler.jobs;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's worker: one thread claims due jobs in batches while there is room (at most
 * {@code maxInFlight} running), hands them to the asynchronous handler, and records each result on a
 * small executor so that database writes never run on I/O threads. Leases are renewed by heartbeat and
 * other nodes' expired leases are taken back.
 */
public final class JobWorker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JobWorker.class);

    private final JobQueue queue;
    private final JobHandler handler;
    private final JobListener listener;
    private final WorkerSettings settings;
    private final Semaphore room;
    /** The jobs this worker is handling or recording: the only ones it renews the lease of. */
    private final java.util.Set<Long> working = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Slots beyond maxInFlight that only urgent jobs may take. */
    private final Semaphore urgentRoom;
    static final int URGENT_PRIORITY = JobType.ON_DEMAND_READ.priority;
    private final java.util.concurrent.LinkedBlockingQueue<Done> finished = new java.util.concurrent.LinkedBlockingQueue<>();
    private Thread recorder;
    private final AtomicBoolean running = new AtomicBoolean();
    private final Object wake = new Object();
    private Thread loop;
    private volatile boolean healthy = true;
    /** The meters this worker runs a session with (their primary job), which commands may join. */
    private final java.util.concurrent.ConcurrentHashMap<String, Long> openSessions = new java.util.concurrent.ConcurrentHashMap<>();
    /** Riders are claimed at most this often, so that a fleet read's rounds do not pay for them each time. */
    /** While the room grows after an idle spell, the loop claims this often. */
    private static final Duration RAMP_STEP = Duration.ofMillis(50);
    private static final long RIDER_CLAIM_INTERVAL_NANOS = Duration.ofMillis(200).toNanos();
    private long nextRiderClaim;
    private final SlowStart slowStart;

    public JobWorker(JobQueue queue, JobHandler handler, JobListener listener, WorkerSettings settings) {
        this.queue = queue;
        this.handler = handler;
        this.listener = listener;
        this.settings = settings;
        this.room = new Semaphore(settings.maxInFlight());
        this.urgentRoom = new Semaphore(settings.urgentRoom());
        this.slowStart = new SlowStart(settings.maxInFlight(), System.nanoTime());
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    public void start() {
        if (!running.compareAndSet(false, true)) return;
        loop = daemon(this::run, "job-worker-" + settings.nodeId());
        loop.start();
        recorder = daemon(this::recordLoop, "job-recorder");
        recorder.start();
    }

    /** Wakes the loop now (e.g. a command was just queued). */
    public void nudge() {
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    public int inFlight() {
        return settings.maxInFlight() - room.availablePermits() + settings.urgentRoom() - urgentRoom.availablePermits();
    }

    /** False after the database refused the last round (readiness). */
    public boolean healthy() {
        return running.get() && healthy;
    }

    private void run() {
        long nextHeartbeat = 0, nextExpiry = 0;
        while (running.get()) {
            try {
                long now = System.nanoTime();
                if (now >= nextHeartbeat) {
                    queue.heartbeat(settings.nodeId(), settings.lease(), new java.util.ArrayList<>(working));
                    nextHeartbeat = now + settings.lease().toNanos() / 3;
                }
                if (now >= nextExpiry) {
                    int back = queue.expireLeases();
                    if (back > 0) log.warn("took back {} jobs whose lease expired", back);
                    nextExpiry = now + settings.lease().toNanos() / 2;
                }
                int free = room.availablePermits();
                int allowed;
                synchronized (slowStart) {
                    allowed = slowStart.allowance(now, settings.maxInFlight() - free);
                }
                boolean ramping = allowed < free;
                if (ramping) free = allowed;
                int claimed = 0;
                // When bulk work fills every slot, a few extra slots stay open to urgent jobs only
                // (commands, on-demand reads): they do not wait behind a fleet read.
                boolean urgentOnly = free == 0 && urgentRoom.availablePermits() > 0;
                if (urgentOnly) free = urgentRoom.availablePermits();
                if (free > 0) {
                    List<ClaimedJob> jobs = urgentOnly
                            ? queue.claim(settings.nodeId(), Math.min(free, settings.claimBatch()), settings.lease(), URGENT_PRIORITY)
                            : queue.claim(settings.nodeId(), Math.min(free, settings.claimBatch()), settings.lease());
                    claimed = jobs.size();
                    if (!jobs.isEmpty()) {
                        try {
                            handler.prepare(jobs);
                        } catch (RuntimeException e) {
                            log.debug("preparing a batch failed, jobs load what they need one by one: {}", e.getMessage());
                        }
                    }
                    for (ClaimedJob job : jobs) dispatch(job, urgentOnly);
                }
                if (!openSessions.isEmpty() && now >= nextRiderClaim) {
                    nextRiderClaim = now + Math.min(RIDER_CLAIM_INTERVAL_NANOS, settings.pollInterval().toNanos());
                    List<ClaimedJob> riders = queue.claimRiders(settings.nodeId(), List.copyOf(openSessions.keySet()),
                            settings.claimBatch(), settings.lease());
                    for (ClaimedJob rider : riders) dispatchRider(rider);
                }
                healthy = true;
                if (ramping) pause(RAMP_STEP);
                else if (claimed == 0 || room.availablePermits() == 0) pause(settings.pollInterval());
            } catch (RuntimeException e) {
                healthy = false;
                log.warn("worker round failed, retrying in {}: {}", settings.pollInterval(), e.getMessage());
                pause(settings.pollInterval().multipliedBy(5));
            }
        }
    }

    private void pause(Duration d) {
        synchronized (wake) {
            try {
                wake.wait(Math.max(1, d.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running.set(false);
            }
        }
    }

    private void dispatch(ClaimedJob job, boolean onUrgentRoom) {
        Semaphore permit = onUrgentRoom ? urgentRoom : room;
        permit.acquireUninterruptibly();
        working.add(job.id());
        openSessions.putIfAbsent(job.meterId(), job.id());
        long started = System.nanoTime();
        CompletableFuture<JobResult> work;
        try {
            work = handler.handle(job);
        } catch (RuntimeException e) {
            work = CompletableFuture.failedFuture(e);
        }
        record(job, work.whenComplete((r, e) -> {
            openSessions.remove(job.meterId(), job.id());
            if (!onUrgentRoom) endedAfter(System.nanoTime() - started);
        }), permit);
    }

    private void endedAfter(long nanos) {
        synchronized (slowStart) {
            slowStart.ended(nanos);
        }
    }

    /** A rider runs in a session already counted: it takes no room of its own. */
    private void dispatchRider(ClaimedJob rider) {
        working.add(rider.id());
        CompletableFuture<JobResult> work;
        try {
            work = handler.handleRider(rider);
        } catch (RuntimeException e) {
            work = CompletableFuture.failedFuture(e);
        }
        record(rider, work, null);
    }

    private void record(ClaimedJob job, CompletableFuture<JobResult> work, Semaphore permit) {
        work.handle((result, error) -> error == null ? result
                        : JobResult.failure("HANDLER_ERROR", true, String.valueOf(error.getMessage())))
                .thenAccept(result -> finished.add(new Done(job, result, permit)));
    }

    private record Done(ClaimedJob job, JobResult result, Semaphore permit) {
    }

    /** Records finished jobs in batches: successes in one statement, the rest one by one. */
    private void recordLoop() {
        List<Done> batch = new java.util.ArrayList<>();
        while (running.get() || !finished.isEmpty() || inFlight() > 0 || !working.isEmpty()) {
            batch.clear();
            try {
                Done first = finished.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                batch.add(first);
            } catch (InterruptedException e) {
                return;
            }
            finished.drainTo(batch, 999);
            List<ClaimedJob> successes = new java.util.ArrayList<>();
            List<String> results = new java.util.ArrayList<>();
            for (Done d : batch) {
                if (d.result().succeeded()) {
                    successes.add(d.job());
                    results.add(d.result().resultJson());
                }
            }
            java.util.Set<Long> recorded = java.util.Set.of();
            if (!successes.isEmpty()) {
                recorded = withRetry(() -> queue.finishAll(successes, results, settings.nodeId()), successes.size() + " successes");
            }
            for (Done d : batch) {
                try {
                    JobQueue.Finish finish;
                    if (d.result().succeeded()) {
                        finish = recorded == null ? null : recorded.contains(d.job().id()) ? JobQueue.Finish.SUCCEEDED : JobQueue.Finish.LEASE_LOST;
                    } else {
                        finish = withRetry(() -> queue.finish(d.job(), settings.nodeId(), d.result()), "job " + d.job().id());
                    }
                    if (finish == JobQueue.Finish.LEASE_LOST) {
                        log.warn("job {} finished after its lease was lost; its result was not recorded (another node runs it)", d.job().id());
                    }
                    if (finish != null) listener.finished(d.job(), d.result(), finish);
                } catch (RuntimeException e) {
                    log.error("could not record job {} (the lease will expire and the job will run again): {}", d.job().id(), e.getMessage());
                } finally {
                    working.remove(d.job().id());
                    if (d.permit() != null) d.permit().release();
                }
            }
            nudge();
        }
    }

    /** A database restart should not lose a finished read: try a few times before letting the lease expire. */
    private <T> T withRetry(java.util.function.Supplier<T> write, String what) {
        RuntimeException last = null;
        for (int i = 0; i < 6; i++) {
            try {
                return write.get();
            } catch (RuntimeException e) {
                last = e;
                try {
                    Thread.sleep(250L << i);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        log.error("could not record {}: {}", what, last == null ? "interrupted" : last.getMessage());
        return null;
    }

    /** Stops claiming and waits up to {@code grace} for running jobs to be recorded. */
    public void stop(Duration grace) {
        if (!running.compareAndSet(true, false)) return;
        nudge();
        try {
            if (loop != null) loop.join(grace.toMillis());
            if (room.tryAcquire(settings.maxInFlight(), grace.toMillis(), TimeUnit.MILLISECONDS)) room.release(settings.maxInFlight());
            if (recorder != null) recorder.join(grace.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(10));
    }
}
