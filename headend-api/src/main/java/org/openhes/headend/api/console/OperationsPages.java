package org.openhes.headend.api.console;

import io.javalin.http.Context;
import java.time.InstantSource;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.openhes.headend.api.metrics.HeadendMetrics;
import org.openhes.headend.scheduler.console.FleetOverview;
import org.openhes.headend.scheduler.events.EventStore;
import org.openhes.headend.scheduler.jobs.JobQueue;
import org.openhes.headend.scheduler.jobs.JobWorker;
import org.openhes.headend.scheduler.keys.KeyCampaignStore;

/**
 * Operations: the fleet at a glance (meters by state, the read run's progress and its failures by
 * kind, dead jobs to re-queue, this node's pool, commands in flight and their latency, the day's
 * alarms, the last key renewal campaigns), its panels refreshed every few seconds by the page's script.
 */
public final class OperationsPages {
    static final int DEAD_SHOWN = 20, RENEWALS_SHOWN = 3;

    /** The page's model: the overview, the first dead jobs, this node's pool, when it was taken. */
    public record OperationsView(Frame frame, FleetOverview.Snapshot fleet, List<JobQueue.JobView> dead,
                                 HeadendMetrics.PoolUse pool, List<KeyCampaignStore.Progress> renewals, String takenAt, ZoneId zone) {
        /** A latency for people: milliseconds below 10 s, seconds above; a dash when there is none. */
        public String latency(java.time.Duration d) {
            if (d == null) return "–";
            return d.toMillis() < 10_000 ? d.toMillis() + " ms" : String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
        }

        public String alarmDetail(FleetOverview.Alarm a) {
            return MeterPages.eventDetail(a.payloadJson());
        }

        public String clock(java.time.Instant t) {
            return t == null ? "" : DateTimeFormatter.ofPattern("HH:mm:ss").withZone(zone).format(t);
        }

        /** Every failure kind of the run, dead or retrying. */
        public java.util.Set<String> kinds() {
            java.util.Set<String> k = new java.util.TreeSet<>(fleet.runFailures().deadByKind().keySet());
            k.addAll(fleet.runFailures().retryingByKind().keySet());
            return k;
        }

        public int runPercent() {
            return fleet.run().map(p -> p.total() == 0 ? 100 : (int) Math.floor(100.0 * (p.succeeded() + p.failed()) / p.total())).orElse(0);
        }
    }

    private final FleetOverview overview;
    private final JobQueue jobs;
    private final JobWorker worker;
    private final EventStore events;
    private final HeadendMetrics metrics;
    private final KeyCampaignStore campaigns;
    private final InstantSource clock;
    private final ZoneId zone;
    private final Views views;
    private final Frames frames;

    OperationsPages(FleetOverview overview, JobQueue jobs, JobWorker worker, EventStore events, HeadendMetrics metrics,
                    KeyCampaignStore campaigns, InstantSource clock, ZoneId zone, Views views, Frames frames) {
        this.campaigns = campaigns;
        this.overview = overview;
        this.jobs = jobs;
        this.worker = worker;
        this.events = events;
        this.metrics = metrics;
        this.clock = clock;
        this.zone = zone;
        this.views = views;
        this.frames = frames;
    }

    void page(Context ctx, Caller caller) {
        views.render(ctx, "operations.jte", view(ctx, caller));
    }

    /** The panels alone, for the page's live refresh. */
    void live(Context ctx, Caller caller) {
        views.render(ctx, "operations_live.jte", view(ctx, caller));
    }

    /** Puts a dead job back in the queue (its attempts start again), then back to the page saying so. */
    void requeue(Context ctx, Caller caller) {
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw new org.openhes.headend.api.http.ApiProblem(400, "Invalid request", "job id must be a number", "id");
        }
        boolean done = jobs.requeue(id);
        if (done) {
            events.audit(clock.instant(), caller.actor(), "job.requeue", null, "job " + id);
            worker.nudge();
        }
        Frames.redirectWithNotice(ctx, "/console/operations", done ? "Job " + id + " is queued again." : "Job " + id + " is not dead (any more); nothing re-queued.");
    }

    private OperationsView view(Context ctx, Caller caller) {
        return new OperationsView(frames.of(ctx, "Operations", caller, "operations"), overview.snapshot(),
                jobs.list("DEAD", DEAD_SHOWN, 0), metrics.poolUse(),
                campaigns.recentProgress(RENEWALS_SHOWN),
                DateTimeFormatter.ofPattern("HH:mm:ss").format(clock.instant().atZone(zone)), zone);
    }
}
