package org.openhes.headend.api.http;

import io.javalin.http.Context;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.openhes.headend.api.config.Settings;
import org.openhes.headend.api.jobs.TraceLog;
import org.openhes.headend.scheduler.events.EventStore;
import org.openhes.headend.scheduler.jobs.JobQueue;
import org.openhes.headend.scheduler.jobs.JobType;
import org.openhes.headend.scheduler.jobs.JobWorker;
import org.openhes.headend.scheduler.meters.Meter;
import org.openhes.headend.scheduler.meters.MeterRegistry;

/**
 * A meter read now: queued as an urgent job (admitted by {@link Throttles}), answered inline when it ends
 * within ?wait= ({@link JobWaiters}), its session traced on request and the traces read back.
 */
public final class OnDemandReadResource {
    private final MeterRegistry meters;
    private final JobQueue jobs;
    private final JobWorker worker;
    private final EventStore events;
    private final Throttles throttles;
    private final JobWaiters waiters;
    private final TraceLog traces;
    private final InstantSource clock;

    OnDemandReadResource(MeterRegistry meters, JobQueue jobs, JobWorker worker, EventStore events, Throttles throttles,
                         JobWaiters waiters, TraceLog traces, InstantSource clock) {
        this.meters = meters;
        this.jobs = jobs;
        this.worker = worker;
        this.events = events;
        this.throttles = throttles;
        this.waiters = waiters;
        this.traces = traces;
        this.clock = clock;
    }

    /** Queues an on-demand read; with ?wait=30s answers with the values if they arrive in time. */
    void read(Context ctx, String caller) {
        Meter m = Params.meterOr404(meters, ctx.pathParam("id"));
        Duration wait = Duration.ZERO;
        if (ctx.queryParam("wait") != null) {
            try {
                wait = Settings.parseDuration(ctx.queryParam("wait"));
            } catch (RuntimeException e) {
                throw ApiProblem.badRequest("wait", "wait must be a duration such as 30s (was " + ctx.queryParam("wait") + ")");
            }
            if (wait.compareTo(Duration.ofMinutes(2)) > 0) throw ApiProblem.badRequest("wait", "wait must be at most 2m");
        }
        long jobId = enqueue(m, "true".equals(ctx.queryParam("trace")), caller);
        if (wait.isZero()) {
            ctx.status(202).json(Map.of("jobId", jobId, "state", "QUEUED"));
            return;
        }
        CompletableFuture<JobQueue.JobView> ended = waiters.await(jobId, wait);
        if (ended == null) { // too many requests already waiting inline: answer now, the job goes on
            ctx.status(202).json(Map.of("jobId", jobId, "state", "QUEUED"));
            return;
        }
        ctx.future(() -> ended.thenAccept(view -> {
            if (view != null && view.state().equals("SUCCEEDED")) {
                ctx.contentType("application/json").result(jobs.resultOf(jobId));
                return;
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("jobId", jobId);
            body.put("state", view == null ? "QUEUED" : view.state());
            body.put("attempts", view == null ? 0 : view.attempts());
            body.put("error", view == null ? null : view.lastFailure());
            ctx.status(202).json(body);
        }));
    }

    /**
     * Queues an urgent read of {@code m} (admitted by the throttles, audited), traced when asked: the one
     * way in for the API and the console. Returns the job's id.
     */
    public long enqueue(Meter m, boolean trace, String caller) {
        long jobId;
        try (var admission = throttles.admit()) {
            jobId = jobs.enqueue(new JobQueue.NewJob(JobType.ON_DEMAND_READ, m.id(), trace ? "{\"trace\":true}" : "{}", clock.instant(),
                    clock.instant().plus(Duration.ofMinutes(15)), null, null));
            admission.queued();
        }
        events.audit(clock.instant(), caller, "read.on-demand", m.id(), "job " + jobId);
        worker.nudge();
        return jobId;
    }

    /** The last traced sessions of a meter (ask for one with POST .../reads?trace=true). */
    void trace(Context ctx, String caller) {
        Meter m = Params.meterOr404(meters, ctx.pathParam("id"));
        ctx.json(Pages.page(traces.of(m.id()), null));
    }
}
