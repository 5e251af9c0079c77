package org.openhes.headend.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.openhes.headend.scheduler.delivery.FeedKind;
import org.openhes.headend.scheduler.delivery.FeedPosition;
import org.openhes.headend.scheduler.delivery.FeedStore;
import org.openhes.headend.scheduler.delivery.Subscription;
import org.openhes.headend.scheduler.delivery.SubscriptionStore;
import org.openhes.headend.scheduler.events.EventStore;

/**
 * /subscriptions: the platform asks for the feed's reads, events and command results to be POSTed to
 * it in signed batches; it can replay from a cursor, and resume a subscription that died.
 */
final class SubscriptionResource {
    static final int DEFAULT_BATCH = 100;

    private final SubscriptionStore subscriptions;
    private final FeedStore feed;
    private final EventStore events;
    private final InstantSource clock;
    private final int maxBatch;
    private final Runnable wake;

    SubscriptionResource(SubscriptionStore subscriptions, FeedStore feed, EventStore events, InstantSource clock, int maxBatch, Runnable wake) {
        this.subscriptions = subscriptions;
        this.feed = feed;
        this.events = events;
        this.clock = clock;
        this.maxBatch = maxBatch;
        this.wake = wake;
    }

    /** {url, kinds, from: "now" (default) | "earliest" | a cursor, batchSize}. */
    void create(Context ctx, String caller) {
        JsonNode b = Json.body(ctx, "url", "kinds", "from", "batchSize");
        String url = Params.httpUrl("url", Json.text(b, "url"));
        List<FeedKind> kinds = kinds(b.get("kinds"));
        int batch = DEFAULT_BATCH;
        if (b.hasNonNull("batchSize")) {
            if (!b.get("batchSize").isInt()) throw ApiProblem.badRequest("batchSize", "batchSize must be an integer");
            batch = b.get("batchSize").asInt();
            if (batch < 1 || batch > maxBatch) {
                throw ApiProblem.unacceptable("batchSize", "batchSize must be between 1 and " + maxBatch + " (was " + batch + ")");
            }
        }
        String from = b.hasNonNull("from") ? b.get("from").asText() : "now";
        FeedPosition start = switch (from) {
            case "now" -> feed.head();
            case "earliest" -> FeedPosition.START;
            default -> cursor("from", from);
        };
        Subscription s = subscriptions.create(url, kinds, batch, caller, start);
        events.audit(clock.instant(), caller, "subscription.create", s.id().toString(), url + " " + kinds);
        wake.run();
        ctx.status(201).header("Location", "/api/v1/subscriptions/" + s.id()).json(json(s));
    }

    void list(Context ctx, String caller) {
        List<Map<String, Object>> items = new ArrayList<>();
        for (Subscription s : subscriptions.list()) items.add(json(s));
        ctx.json(Pages.page(items, null));
    }

    void get(Context ctx, String caller) {
        ctx.json(json(find(ctx)));
    }

    /** {cursor}: deliver again from there (a replay after the platform lost data), or skip ahead. */
    void moveCursor(Context ctx, String caller) {
        Subscription s = find(ctx);
        JsonNode b = Json.body(ctx, "cursor");
        FeedPosition to = cursor("cursor", Json.text(b, "cursor"));
        subscriptions.moveCursor(s.id(), to);
        events.audit(clock.instant(), caller, "subscription.cursor", s.id().toString(), s.cursor() + " -> " + to);
        wake.run();
        ctx.json(json(find(ctx)));
    }

    /** A dead subscription delivered again from its cursor (after its receiver was fixed). */
    void resume(Context ctx, String caller) {
        Subscription s = find(ctx);
        subscriptions.resume(s.id());
        events.audit(clock.instant(), caller, "subscription.resume", s.id().toString(), s.state().name());
        wake.run();
        ctx.json(json(find(ctx)));
    }

    void delete(Context ctx, String caller) {
        Subscription s = find(ctx);
        subscriptions.delete(s.id());
        events.audit(clock.instant(), caller, "subscription.delete", s.id().toString(), s.url());
        ctx.status(204);
    }

    private Subscription find(Context ctx) {
        UUID id;
        try {
            id = UUID.fromString(ctx.pathParam("id"));
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest("id", "subscription id must be a UUID");
        }
        return subscriptions.find(id).orElseThrow(() -> ApiProblem.notFound("unknown subscription " + id));
    }

    static FeedPosition cursor(String field, String v) {
        try {
            return FeedPosition.parse(v);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest(field, field + ": " + e.getMessage());
        }
    }

    /** The kinds asked for: all when absent; an unknown one is refused with the known ones. */
    static List<FeedKind> kinds(JsonNode node) {
        if (node == null || node.isNull()) return List.of(FeedKind.values());
        if (!node.isArray() || node.isEmpty()) throw ApiProblem.badRequest("kinds", "kinds must be a non-empty array of kind names");
        Set<FeedKind> out = new LinkedHashSet<>();
        for (JsonNode k : node) {
            try {
                out.add(FeedKind.of(k.asText()));
            } catch (IllegalArgumentException e) {
                throw ApiProblem.unacceptable("kinds", e.getMessage());
            }
        }
        return List.copyOf(out);
    }

    static Map<String, Object> json(Subscription s) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("id", s.id().toString());
        j.put("url", s.url());
        j.put("kinds", s.kinds().stream().map(FeedKind::wireName).toList());
        j.put("batchSize", s.batchSize());
        j.put("state", s.state().name());
        j.put("cursor", s.cursor().toString());
        j.put("failures", s.failures());
        j.put("failingSince", text(s.failingSince()));
        j.put("lastError", s.lastError());
        j.put("nextAttemptAt", text(s.nextAttemptAt()));
        j.put("deliveredItems", s.deliveredItems());
        j.put("deliveredAt", text(s.deliveredAt()));
        j.put("createdBy", s.caller());
        j.put("createdAt", text(s.createdAt()));
        return j;
    }

    private static String text(Instant t) {
        return t == null ? null : t.toString();
    }
}
