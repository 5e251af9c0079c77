package org.openhes.headend.api.http;

import static org.openhes.headend.api.http.Json.JSON;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.format.DateTimeParseException;
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

    /** ?meter=, ?since= (an instant), ?after= (the previous page's next: {@code <at>_<id>}). */
    void list(Context ctx, String caller) {
        Instant since = null;
        long afterId = Long.MAX_VALUE;
        if (ctx.queryParam("since") != null) {
            try {
                since = Instant.parse(ctx.queryParam("since"));
            } catch (DateTimeParseException e) {
                throw ApiProblem.badRequest("since", "since must be an ISO-8601 instant");
            }
        }
        String after = ctx.queryParam("after");
        if (after != null) {
            int sep = after.lastIndexOf('_');
            try {
                since = Instant.parse(after.substring(0, Math.max(0, sep)));
                afterId = Long.parseLong(after.substring(sep + 1));
            } catch (DateTimeParseException | NumberFormatException | StringIndexOutOfBoundsException e) {
                throw ApiProblem.badRequest("after", "after must be the next of a previous page (<instant>_<id>), was " + after);
            }
        }
        int limit = Pages.limit(ctx);
        List<EventStore.Event> found = events.list(ctx.queryParam("meter"), since, afterId, limit + 1);
        ctx.json(Pages.keyset(found, limit, e -> e.at() + "_" + e.id(), EventResource::eventJson));
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
