package org.openhes.headend.api.node;

import java.time.InstantSource;
import java.time.ZoneId;
import org.openhes.headend.api.http.Throttles;
import org.openhes.headend.api.http.Tokens;
import org.openhes.headend.api.metrics.HeadendMetrics;
import org.openhes.headend.scheduler.commands.CommandStore;
import org.openhes.headend.scheduler.db.Database;
import org.openhes.headend.scheduler.db.DatabaseHealth;
import org.openhes.headend.scheduler.events.EventStore;
import org.openhes.headend.scheduler.jobs.JobQueue;
import org.openhes.headend.scheduler.jobs.JobWorker;
import org.openhes.headend.scheduler.meters.MeterRegistry;
import org.openhes.headend.scheduler.plans.ReadPlanner;
import org.openhes.headend.scheduler.reads.ReadStore;

/** What the HTTP API needs from the node. */
public record Services(Database db, DatabaseHealth dbHealth, MeterRegistry meters, ReadStore reads, CommandStore commands, JobQueue jobs,
                       ReadPlanner planner, EventStore events, Tokens tokens, HeadendMetrics metrics, JobWorker worker,
                       InstantSource clock, ZoneId zone, Throttles throttles,
                       org.openhes.headend.api.jobs.TraceLog traces, org.openhes.headend.scheduler.guard.Guard guard,
                       org.openhes.headend.scheduler.reads.IntervalStore intervals,
                       org.openhes.headend.scheduler.console.ConsoleSessionStore consoleSessions,
                       org.openhes.headend.scheduler.keys.KeyCampaignStore keyCampaigns, Delivery delivery) {

    /** The feed and the platform's subscriptions to it; {@code wake} tells the node's delivery loop to look now. */
    public record Delivery(org.openhes.headend.scheduler.delivery.FeedStore feed,
                           org.openhes.headend.scheduler.delivery.SubscriptionStore subscriptions,
                           org.openhes.headend.scheduler.delivery.CallbackOutbox callbacks,
                           org.openhes.headend.api.http.FeedItems items, int maxBatch, Runnable wake) {
    }
}
