package org.openhes.headend.api.http;

import static org.openhes.headend.api.http.Json.JSON;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openhes.headend.scheduler.events.EventStore;

/** /events: what meters reported (pushed alarms, clock drift), oldest first, by meter and since a time. */
final class EventResource {
    private final EventStore events;

    EventResource(EventStore events) {
        this.events = events;
    }

    /** ?meter=, ?since=; the next page is ?since=<the last event's time>. */
    void list(Context ctx, String caller) {
        Instant since = null;
        if (ctx.queryParam("since") != null) {
            try {
                since = Instant.parse(ctx.queryParam("since"));
            } catch (DateTimeParseException e) {
                throw ApiProblem.badRequest("since", "since must be an ISO-8601 instant");
            }
        }
        List<Map<String, Object>> items = new ArrayList<>();
        int limit = Pages.limit(ctx);
        for (EventStore.Event e : events.list(ctx.queryParam("meter"), since, limit)) {
            items.add(eventJson(e));
        }
        // the next page: ?since=<the last event's time>
        ctx.json(Pages.page(items, items.size() < limit ? null : (String) items.get(items.size() - 1).get("at")));
    }

    /** An event as the API shows it (also in the feed). */
    static Map<String, Object> eventJson(EventStore.Event e) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("id", e.id());
        j.put("meterId", e.meterId());
        j.put("type", e.type());
        j.put("at", e.at().toString());
        try {
            j.put("payload", JSON.readTree(e.payloadJson()));
        } catch (JsonProcessingException ex) {
            j.put("payload", e.payloadJson());
        }
        return j;
    }
}
