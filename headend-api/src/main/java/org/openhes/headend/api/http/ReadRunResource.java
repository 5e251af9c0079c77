package org.openhes.headend.api.http;

import static org.openhes.headend.api.http.Json.JSON;
import static org.openhes.headend.api.http.Json.body;
import static org.openhes.headend.api.http.Params.date;
import static org.openhes.headend.api.http.Params.longParam;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openhes.headend.api.config.Settings;
import org.openhes.headend.scheduler.events.EventStore;
import org.openhes.headend.scheduler.jobs.JobWorker;
import org.openhes.headend.scheduler.plans.ReadPlanner;

/** /read-runs: the daily read of every meter for one day, created (once per day) and followed by its progress. */
final class ReadRunResource {
    private final ReadPlanner planner;
    private final EventStore events;
    private final JobWorker worker;
    private final InstantSource clock;
    private final ZoneId zone;

    ReadRunResource(ReadPlanner planner, EventStore events, JobWorker worker, InstantSource clock, ZoneId zone) {
        this.planner = planner;
        this.events = events;
        this.worker = worker;
        this.clock = clock;
        this.zone = zone;
    }

    /** {"date": today by default, "spread": how long to spread the jobs over}; 201 when created, 200 when it existed, Location naming the run either way. */
    void create(Context ctx, String caller) {
        JsonNode b = ctx.body().isBlank() ? JSON.createObjectNode() : body(ctx, "date", "spread");
        LocalDate date = b.hasNonNull("date") ? date("date", b.get("date").asText()) : clock.instant().atZone(zone).toLocalDate();
        Duration spread;
        try {
            spread = b.hasNonNull("spread") ? Settings.parseDuration(b.get("spread").asText()) : Duration.ZERO;
        } catch (RuntimeException e) {
            throw ApiProblem.badRequest("spread", "spread must be a duration such as 4h");
        }
        ReadPlanner.ReadRun run = planner.createRun(date, clock.instant(), spread.isZero() ? Duration.ofSeconds(1) : spread);
        events.audit(clock.instant(), caller, "read-run.create", date.toString(), "run " + run.id());
        worker.nudge();
        ctx.status(run.created() ? 201 : 200).header("Location", "/api/v1/read-runs/" + run.id()).json(runJson(planner.progress(run.id()).orElseThrow()));
    }

    static Map<String, Object> runJson(ReadPlanner.Progress p) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("id", p.id());
        j.put("date", p.date().toString());
        j.put("total", p.total());
        j.put("succeeded", p.succeeded());
        j.put("failed", p.failed());
        j.put("pending", p.pending());
        return j;
    }

    /** A run's progress, with an ETag: a client polling it with If-None-Match is answered 304 until it moves. */
    void get(Context ctx, String caller) {
        long id = longParam("id", ctx.pathParam("id"));
        Conditional.json(ctx, runJson(planner.progress(id).orElseThrow(() -> ApiProblem.notFound("unknown read run " + id))));
    }
}
