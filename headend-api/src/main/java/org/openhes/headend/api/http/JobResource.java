package org.openhes.headend.api.http;

import static org.openhes.headend.api.http.Params.longParam;

import io.javalin.http.Context;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;
import org.openhes.headend.scheduler.events.EventStore;
import org.openhes.headend.scheduler.jobs.JobQueue;
import org.openhes.headend.scheduler.jobs.JobWorker;

/** /jobs, for operations: the queue by state (dead jobs by default), and dead jobs given another run. */
final class JobResource {
    private final JobQueue jobs;
    private final EventStore events;
    private final JobWorker worker;
    private final InstantSource clock;

    JobResource(JobQueue jobs, EventStore events, JobWorker worker, InstantSource clock) {
        this.jobs = jobs;
        this.events = events;
        this.worker = worker;
        this.clock = clock;
    }

    /** ?state= (QUEUED, RUNNING, SUCCEEDED or DEAD, default DEAD), keyset pages by job id. */
    void list(Context ctx, String caller) {
        String state = ctx.queryParam("state") == null ? "DEAD" : ctx.queryParam("state");
        if (!Set.of("QUEUED", "RUNNING", "SUCCEEDED", "DEAD").contains(state)) {
            throw ApiProblem.badRequest("state", "state must be QUEUED, RUNNING, SUCCEEDED or DEAD");
        }
        int limit = Pages.limit(ctx);
        long after = ctx.queryParam("after") == null ? 0 : longParam("after", ctx.queryParam("after"));
        List<JobQueue.JobView> found = jobs.list(state, limit + 1, after);
        ctx.json(Pages.keyset(found, limit, j -> String.valueOf(j.id()), j -> j));
    }

    /** A dead job queued again with its attempts reset; 404 when there is no such job, 409 when it is not dead. */
    void requeue(Context ctx, String caller) {
        long id = longParam("id", ctx.pathParam("id"));
        if (!jobs.requeue(id)) {
            if (jobs.find(id) == null) throw ApiProblem.notFound("unknown job " + id);
            throw new ApiProblem(409, "Not dead", "job " + id + " is not dead (only dead jobs can be re-queued)", "id");
        }
        events.audit(clock.instant(), caller, "job.requeue", String.valueOf(id), null);
        worker.nudge();
        ctx.json(jobs.find(id));
    }
}
