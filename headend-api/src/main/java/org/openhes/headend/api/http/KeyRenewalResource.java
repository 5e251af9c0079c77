package org.openhes.headend.api.http;

import static org.openhes.headend.api.http.Json.body;
import static org.openhes.headend.api.http.Params.longParam;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openhes.headend.scheduler.events.EventStore;
import org.openhes.headend.scheduler.jobs.JobWorker;
import org.openhes.headend.scheduler.keys.KeyCampaignStore;
import org.openhes.headend.scheduler.meters.Meter;
import org.openhes.headend.scheduler.meters.MeterRegistry;

/**
 * /key-renewals: renew the HLS keys of one meter, of the meters with a label, or of the fleet, at a
 * bounded rate, as jobs below commands; followed by the campaign's progress and failures by kind.
 * No answer carries a key.
 */
final class KeyRenewalResource {
    static final Set<String> KEYS = Set.of("both", "ek", "ak");
    static final int MAX_PER_MINUTE = 10_000;

    private final KeyCampaignStore campaigns;
    private final MeterRegistry meters;
    private final EventStore events;
    private final JobWorker worker;
    private final InstantSource clock;

    KeyRenewalResource(KeyCampaignStore campaigns, MeterRegistry meters, EventStore events, JobWorker worker, InstantSource clock) {
        this.campaigns = campaigns;
        this.meters = meters;
        this.events = events;
        this.worker = worker;
        this.clock = clock;
    }

    /** {"meterId"} or {"label": "cell=C0001"} or {"fleet": true}; "keys" both (default), ek or ak; "perMinute" (default 60). */
    void create(Context ctx, String caller) {
        JsonNode b = body(ctx, "meterId", "label", "fleet", "keys", "perMinute");
        int scopes = (b.hasNonNull("meterId") ? 1 : 0) + (b.hasNonNull("label") ? 1 : 0) + (b.path("fleet").asBoolean(false) ? 1 : 0);
        if (scopes != 1) throw ApiProblem.badRequest("meterId", "give exactly one of meterId, label (key=value) or fleet: true");
        String keys = b.path("keys").asText("both");
        if (!KEYS.contains(keys)) throw ApiProblem.badRequest("keys", "keys must be both, ek or ak (was " + keys + ")");
        if (b.has("perMinute") && !b.get("perMinute").isIntegralNumber()) throw ApiProblem.badRequest("perMinute", "perMinute must be an integer");
        int perMinute = b.path("perMinute").asInt(60);
        if (perMinute < 1 || perMinute > MAX_PER_MINUTE) {
            throw ApiProblem.unacceptable("perMinute", "perMinute must be between 1 and " + MAX_PER_MINUTE + " (was " + perMinute + ")");
        }
        KeyCampaignStore.Scope scope;
        if (b.hasNonNull("meterId")) {
            Meter m = Params.meterOr404(meters, b.get("meterId").asText());
            if (!m.auth().equals("hls-gmac")) throw ApiProblem.unacceptable("meterId", "meter " + m.id() + " uses " + m.auth() + ", not hls-gmac: it has no keys to renew");
            scope = KeyCampaignStore.Scope.meter(m.id());
        } else if (b.hasNonNull("label")) {
            String label = b.get("label").asText();
            if (!label.matches("[^=]+=.+")) throw ApiProblem.badRequest("label", "label must be key=value, such as cell=C0001");
            scope = KeyCampaignStore.Scope.label(label);
        } else {
            scope = KeyCampaignStore.Scope.wholeFleet();
        }
        KeyCampaignStore.Campaign c = campaigns.create(scope, keys, perMinute, caller);
        events.audit(clock.instant(), caller, "keys.renew", c.scope(), "campaign " + c.id() + ": " + c.total() + " meters, " + keys + ", " + perMinute + "/min");
        worker.nudge();
        ctx.status(202).header("Location", "/api/v1/key-renewals/" + c.id()).json(progressJson(campaigns.progress(c.id()).orElseThrow()));
    }

    void get(Context ctx, String caller) {
        long id = longParam("id", ctx.pathParam("id"));
        Conditional.json(ctx, progressJson(campaigns.progress(id).orElseThrow(() -> ApiProblem.notFound("unknown key renewal campaign " + id))));
    }

    void list(Context ctx, String caller) {
        List<Map<String, Object>> items = campaigns.recentProgress(Pages.limit(ctx)).stream().map(KeyRenewalResource::progressJson).toList();
        ctx.json(Map.of("items", items));
    }

    static Map<String, Object> progressJson(KeyCampaignStore.Progress p) {
        Map<String, Object> j = new LinkedHashMap<>();
        KeyCampaignStore.Campaign c = p.campaign();
        j.put("id", c.id());
        j.put("scope", c.scope());
        j.put("keys", c.keys());
        j.put("perMinute", c.perMinute());
        j.put("total", c.total());
        j.put("queued", p.queued());
        j.put("running", p.running());
        j.put("succeeded", p.succeeded());
        j.put("dead", p.dead());
        j.put("finished", p.finished());
        j.put("failuresByKind", p.failuresByKind());
        j.put("lastStart", p.lastStart() == null ? null : p.lastStart().toString());
        j.put("createdBy", c.caller());
        j.put("createdAt", c.createdAt().toString());
        return j;
    }
}
