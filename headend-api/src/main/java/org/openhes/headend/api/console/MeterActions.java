package org.openhes.headend.api.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.openhes.headend.api.http.ApiProblem;
import org.openhes.headend.api.http.CommandResource;
import org.openhes.headend.api.http.OnDemandReadResource;
import org.openhes.headend.api.jobs.TraceLog;
import org.openhes.headend.scheduler.commands.CommandStore;
import org.openhes.headend.scheduler.jobs.JobQueue;
import org.openhes.headend.scheduler.meters.Meter;

/**
 * What an engineer does to a meter from its page: read it now, traced, and follow the read until its
 * trace shows; send a command after a confirmation that names the meter and says what will run. Both
 * go the API's way ({@link OnDemandReadResource#enqueue}, {@link CommandResource#submit}): the same
 * checks, guard, throttles and audit.
 */
public final class MeterActions {
    /** The commands the console offers (the API has more: gas valve, push setup). */
    static final Set<String> TYPES = Set.of("DISCONNECT", "RECONNECT", "SET_POWER_LIMIT", "CLEAR_POWER_LIMIT", "DISPLAY_BALANCE");

    public record ConfirmView(Frame frame, Meter meter, String type, String watts, String amount, String action, String willRun,
                              String heldNote, String key) {
    }

    public record ReadView(Frame frame, Meter meter, long jobId, String state, int attempts, String failure, boolean ended,
                           List<MeterPages.LastRead> registers, String traceOutcome, List<TraceRows.Row> trace, boolean traced) {
    }

    private final MeterPages pages;
    private final CommandResource commands;
    private final OnDemandReadResource reads;
    private final JobQueue jobs;
    private final TraceLog traces;
    private final TraceRows traceRows;
    private final org.openhes.headend.scheduler.keys.KeyCampaignStore campaigns;
    private final org.openhes.headend.scheduler.events.EventStore events;
    private final java.time.InstantSource clock;
    private final Views views;
    private final Frames frames;

    MeterActions(MeterPages pages, CommandResource commands, OnDemandReadResource reads, JobQueue jobs, TraceLog traces, TraceRows traceRows,
                 org.openhes.headend.scheduler.keys.KeyCampaignStore campaigns, org.openhes.headend.scheduler.events.EventStore events,
                 java.time.InstantSource clock, Views views, Frames frames) {
        this.traceRows = traceRows;
        this.campaigns = campaigns;
        this.events = events;
        this.clock = clock;
        this.pages = pages;
        this.commands = commands;
        this.reads = reads;
        this.jobs = jobs;
        this.traces = traces;
        this.views = views;
        this.frames = frames;
    }

    /** Queues a traced read now and opens the page that follows it. */
    void readNow(Context ctx, Caller caller) {
        Meter m = pages.meterOr404(ctx);
        long job = reads.enqueue(m, true, caller.roleName());
        ctx.redirect("/console/meters/" + m.id() + "/reads/" + job, HttpStatus.SEE_OTHER);
    }

    void readPage(Context ctx, Caller caller) {
        views.render(ctx, "read.jte", readView(ctx, caller));
    }

    /** The read's state, then its registers and trace once it ended, for the page's live refresh. */
    void readStatus(Context ctx, Caller caller) {
        views.render(ctx, "read_status.jte", readView(ctx, caller));
    }

    private ReadView readView(Context ctx, Caller caller) {
        Meter m = pages.meterOr404(ctx);
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("job"));
        } catch (NumberFormatException e) {
            throw new ApiProblem(400, "Invalid request", "read id must be a number", "job");
        }
        JobQueue.JobView job = jobs.find(id);
        if (job == null || !job.meterId().equals(m.id())) throw new ApiProblem(404, "Unknown read", "no read " + id + " of meter " + m.id(), null);
        boolean ended = job.state().equals("SUCCEEDED") || job.state().equals("DEAD");
        List<MeterPages.LastRead> registers = new ArrayList<>();
        if (job.state().equals("SUCCEEDED")) registers = registers(jobs.resultOf(id));
        TraceLog.Session session = null;
        if (ended && caller.seesTraces()) {
            for (TraceLog.Session s : traces.of(m.id())) if (!s.at().isBefore(job.createdAt())) session = s;
        }
        List<TraceRows.Row> rows = new ArrayList<>();
        if (session != null) for (Map<String, Object> f : session.frames()) rows.add(traceRows.row(f));
        return new ReadView(frames.of(ctx, "Read of " + m.id(), caller, "meters"), m, id, job.state(), job.attempts(), job.lastFailure(),
                ended, registers, session == null ? null : session.outcome() + (session.failure() == null ? "" : ": " + session.failure()),
                rows, session != null);
    }

    private static List<MeterPages.LastRead> registers(String resultJson) {
        List<MeterPages.LastRead> out = new ArrayList<>();
        try {
            JsonNode r = MeterPages.JSON.readTree(resultJson);
            for (JsonNode g : r.path("registers")) {
                String obis = g.path("obis").asText();
                out.add(new MeterPages.LastRead(obis, MeterPages.REGISTER_NAMES.getOrDefault(obis, obis), g.path("value").asText(),
                        g.path("unit").asText(), r.path("capturedAt").asText(), "on demand"));
            }
        } catch (Exception unreadable) {
            // shown without registers
        }
        return out;
    }

    public record RenewView(Frame frame, Meter meter, String key) {
    }

    /** An admin's key renewal of this meter: the confirmation first (what happens, naming the meter). */
    void confirmRenewal(Context ctx, Caller caller) {
        Meter m = pages.meterOr404(ctx);
        if (!m.auth().equals("hls-gmac")) {
            throw new ApiProblem(422, "Nothing to renew", "meter " + m.id() + " uses " + m.auth() + ", not hls-gmac: it has no keys to renew", null);
        }
        views.render(ctx, "renew.jte", new RenewView(frames.of(ctx, "Renew the keys of " + m.id(), caller, "meters"), m, UUID.randomUUID().toString()));
    }

    /** Queues the renewal as a one-meter campaign (the API's way), back to the meter saying so. */
    void renew(Context ctx, Caller caller) {
        Meter m = pages.meterOr404(ctx);
        if (!m.auth().equals("hls-gmac")) throw new ApiProblem(422, "Nothing to renew", "meter " + m.id() + " has no HLS keys", null);
        var c = campaigns.create(org.openhes.headend.scheduler.keys.KeyCampaignStore.Scope.meter(m.id()), "both", 60, caller.actor());
        events.audit(clock.instant(), caller.actor(), "keys.renew", "meter:" + m.id(), "campaign " + c.id() + ": " + c.total() + " meters, both, 60/min");
        Frames.redirectWithNotice(ctx, "/console/meters/" + m.id(), c.total() == 0
                ? "A key renewal of meter " + m.id() + " is under way already; nothing added."
                : "Key renewal of meter " + m.id() + " queued (campaign " + c.id() + "): new keys are stored, sent, then confirmed.");
    }

    /** The confirmation: names the meter and says what will run, or why it would be refused. */
    void confirm(Context ctx, Caller caller) {
        Meter m = pages.meterOr404(ctx);
        ObjectNode body = body(ctx);
        CommandStore.NewCommand n = commands.check(m, body, caller.roleName());
        String willRun = n.type().equals(body.path("type").asText()) ? null
                : "The disconnection guard turns it into " + n.type() + " " + MeterPages.eventDetail(n.paramsJson()) + ".";
        String held = n.guard() != null && n.guard().heldRule() != null
                ? "It will wait until " + pages.format(n.guard().heldUntil()) + " (" + n.guard().heldRule() + ")." : null;
        views.render(ctx, "confirm.jte", new ConfirmView(frames.of(ctx, "Confirm " + body.path("type").asText(), caller, "meters"), m,
                body.path("type").asText(), ctx.formParam("watts"), ctx.formParam("amount"), describe(body), willRun, held, UUID.randomUUID().toString()));
    }

    /** Sends the confirmed command (the confirmation's key makes a second click the same command), back to the meter. */
    void submit(Context ctx, Caller caller) {
        Meter m = pages.meterOr404(ctx);
        String key = ctx.formParam("key");
        if (key == null || key.isBlank() || key.length() > 100) throw new ApiProblem(400, "Invalid request", "the confirmation's key is missing; confirm again", "key");
        CommandStore.Submitted sub = commands.submit(m, body(ctx), caller.roleName(), "console-" + key);
        Frames.redirectWithNotice(ctx, "/console/meters/" + m.id(), describe(body(ctx)) + " sent to meter " + m.id()
                + " (command " + sub.command().id() + ", " + sub.command().status() + ").");
    }

    /** The form's fields as the API's JSON body: watts as a number, amount as text. */
    private static ObjectNode body(Context ctx) {
        String type = ctx.formParam("type");
        if (type == null || !TYPES.contains(type)) {
            throw new ApiProblem(400, "Invalid request", "unknown command " + type + "; one of " + new java.util.TreeSet<>(TYPES), "type");
        }
        ObjectNode b = MeterPages.JSON.createObjectNode().put("type", type);
        if (type.equals("SET_POWER_LIMIT")) {
            String w = ctx.formParam("watts");
            try {
                b.put("watts", Long.parseLong(w == null ? "" : w.trim()));
            } catch (NumberFormatException e) {
                b.put("watts", w); // refused by the API's check, which names the field
            }
        }
        if (type.equals("DISPLAY_BALANCE")) b.put("amount", ctx.formParam("amount") == null ? "" : ctx.formParam("amount").trim()).put("currency", "EUR");
        return b;
    }

    /** The command in words, for the buttons and notices. */
    static String describe(JsonNode b) {
        return switch (b.path("type").asText()) {
            case "DISCONNECT" -> "Disconnect";
            case "RECONNECT" -> "Reconnect";
            case "SET_POWER_LIMIT" -> "Limit power to " + b.path("watts").asText() + " W";
            case "CLEAR_POWER_LIMIT" -> "Clear the power limit";
            case "DISPLAY_BALANCE" -> "Show balance EUR " + b.path("amount").asText();
            default -> b.path("type").asText();
        };
    }

}
