package org.openhes.headend.api.http;

import io.javalin.http.Context;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openhes.headend.scheduler.delivery.CallbackOutbox;
import org.openhes.headend.scheduler.events.EventStore;

/**
 * Command callbacks given up (refused for good, or out of attempts): listed with their last error, and
 * delivered again once the platform's endpoint is fixed. Re-queueing is audited.
 */
final class CallbackResource {
    private final CallbackOutbox outbox;
    private final EventStore events;
    private final InstantSource clock;
    private final Runnable wake;

    CallbackResource(CallbackOutbox outbox, EventStore events, InstantSource clock, Runnable wake) {
        this.outbox = outbox;
        this.events = events;
        this.clock = clock;
        this.wake = wake;
    }

    void dead(Context ctx, String caller) {
        List<Map<String, Object>> items = new ArrayList<>();
        for (CallbackOutbox.Dead d : outbox.dead(Pages.limit(ctx))) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("commandId", d.commandId().toString());
            j.put("url", d.url());
            j.put("attempts", d.attempts());
            j.put("lastError", d.lastError());
            j.put("createdAt", d.createdAt().toString());
            items.add(j);
        }
        ctx.json(Pages.page(items, null));
    }

    void requeue(Context ctx, String caller) {
        int n = outbox.requeueDead();
        events.audit(clock.instant(), caller, "callbacks.requeue", null, n + " dead command callbacks queued again");
        wake.run();
        ctx.json(Map.of("requeued", n));
    }
}
