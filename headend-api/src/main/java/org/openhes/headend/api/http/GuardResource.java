package org.openhes.headend.api.http;

import static org.openhes.headend.api.http.Json.body;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openhes.headend.scheduler.events.EventStore;
import org.openhes.headend.scheduler.guard.Guard;
import org.openhes.headend.scheduler.guard.GuardPolicy;
import org.openhes.headend.scheduler.guard.MeterHold;
import org.openhes.headend.scheduler.meters.Meter;
import org.openhes.headend.scheduler.meters.MeterRegistry;

/**
 * /guard/policy and /meters/{id}/disconnection-holds: the disconnection guard's policy (an admin
 * replaces it whole) and the periods in which one meter must not be disconnected.
 */
final class GuardResource {
    private final Guard guard;
    private final MeterRegistry meters;
    private final EventStore events;
    private final InstantSource clock;

    GuardResource(Guard guard, MeterRegistry meters, EventStore events, InstantSource clock) {
        this.guard = guard;
        this.meters = meters;
        this.events = events;
        this.clock = clock;
    }

    void policy(Context ctx, String caller) {
        ctx.json(json(guard.policy()));
    }

    void replacePolicy(Context ctx, String caller) {
        JsonNode b = body(ctx, "protectedLabel", "protectedAction", "protectedLimitWatts", "holdWeekends", "holdPublicHolidays",
                "dayStart", "dayEnd", "periods", "windowAction");
        GuardPolicy p;
        try {
            List<GuardPolicy.Period> periods = new ArrayList<>();
            for (JsonNode n : b.path("periods")) {
                periods.add(new GuardPolicy.Period(date(n, "from"), date(n, "to"), n.path("reason").asText("")));
            }
            p = new GuardPolicy(b.hasNonNull("protectedLabel") ? b.get("protectedLabel").asText() : null,
                    choice(GuardPolicy.ProtectedAction.class, b, "protectedAction"),
                    b.path("protectedLimitWatts").asInt(2300), bool(b, "holdWeekends"), bool(b, "holdPublicHolidays"),
                    time(b, "dayStart"), time(b, "dayEnd"), periods, choice(GuardPolicy.WindowAction.class, b, "windowAction"));
        } catch (IllegalArgumentException e) {
            throw new ApiProblem(422, "Invalid policy", e.getMessage(), null);
        }
        guard.store().replace(p, caller);
        guard.reload();
        events.audit(clock.instant(), caller, "guard.policy", "-", json(p).toString());
        ctx.json(json(p));
    }

    void holds(Context ctx, String caller) {
        Meter m = Params.meterOr404(meters, ctx.pathParam("id"));
        List<Object> items = new ArrayList<>();
        for (MeterHold h : guard.store().holds(m.id(), clock.instant())) items.add(json(h));
        ctx.json(Map.of("items", items));
    }

    void addHold(Context ctx, String caller) {
        Meter m = Params.meterOr404(meters, ctx.pathParam("id"));
        JsonNode b = body(ctx, "from", "to", "reason");
        Instant from = b.hasNonNull("from") ? instant(b, "from") : clock.instant(), to = instant(b, "to");
        MeterHold h;
        try {
            h = guard.store().addHold(m.id(), from, to, b.path("reason").asText(""), caller);
        } catch (IllegalArgumentException e) {
            throw new ApiProblem(422, "Invalid hold", e.getMessage(), "to");
        }
        events.audit(clock.instant(), caller, "guard.hold", m.id(), from + ".." + to);
        ctx.status(201).header("Location", "/api/v1/meters/" + m.id() + "/disconnection-holds/" + h.id()).json(json(h));
    }

    void removeHold(Context ctx, String caller) {
        Meter m = Params.meterOr404(meters, ctx.pathParam("id"));
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("holdId"));
        } catch (NumberFormatException e) {
            throw ApiProblem.badRequest("holdId", "holdId must be a number");
        }
        if (!guard.store().removeHold(m.id(), id)) throw ApiProblem.notFound("meter " + m.id() + " has no hold " + id);
        events.audit(clock.instant(), caller, "guard.hold.remove", m.id(), Long.toString(id));
        ctx.status(204);
    }

    static Map<String, Object> json(GuardPolicy p) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("protectedLabel", p.protectedLabel());
        j.put("protectedAction", p.protectedAction().name());
        j.put("protectedLimitWatts", p.protectedLimitWatts());
        j.put("holdWeekends", p.holdWeekends());
        j.put("holdPublicHolidays", p.holdPublicHolidays());
        j.put("dayStart", p.dayStart() == null ? null : p.dayStart().toString());
        j.put("dayEnd", p.dayEnd() == null ? null : p.dayEnd().toString());
        List<Object> periods = new ArrayList<>();
        for (GuardPolicy.Period period : p.periods()) {
            periods.add(Map.of("from", period.from().toString(), "to", period.to().toString(), "reason", period.reason()));
        }
        j.put("periods", periods);
        j.put("windowAction", p.windowAction().name());
        return j;
    }

    static Map<String, Object> json(MeterHold h) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("id", h.id());
        j.put("meterId", h.meterId());
        j.put("from", h.from().toString());
        j.put("to", h.to().toString());
        j.put("reason", h.reason());
        return j;
    }

    private static <E extends Enum<E>> E choice(Class<E> type, JsonNode b, String field) {
        String v = b.path(field).asText("");
        try {
            return Enum.valueOf(type, v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest(field, field + " must be one of " + java.util.Arrays.toString(type.getEnumConstants()) + " (was " + v + ")");
        }
    }

    private static boolean bool(JsonNode b, String field) {
        if (!b.path(field).isBoolean()) throw ApiProblem.badRequest(field, field + " must be true or false");
        return b.get(field).asBoolean();
    }

    private static LocalTime time(JsonNode b, String field) {
        if (!b.hasNonNull(field)) return null;
        try {
            return LocalTime.parse(b.get(field).asText());
        } catch (DateTimeParseException e) {
            throw ApiProblem.badRequest(field, field + " must be a local time such as 08:00");
        }
    }

    private static LocalDate date(JsonNode n, String field) {
        try {
            return LocalDate.parse(n.path(field).asText(""));
        } catch (DateTimeParseException e) {
            throw ApiProblem.badRequest("periods", "a period's " + field + " must be a date such as 2026-11-01");
        }
    }

    private static Instant instant(JsonNode b, String field) {
        try {
            return Instant.parse(b.path(field).asText(""));
        } catch (DateTimeParseException e) {
            throw ApiProblem.badRequest(field, field + " must be an ISO-8601 instant such as 2026-12-24T00:00:00Z");
        }
    }
}
