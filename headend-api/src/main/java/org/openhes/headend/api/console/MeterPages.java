package org.openhes.headend.api.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openhes.headend.api.http.ApiProblem;
import org.openhes.headend.scheduler.console.MeterActivity;
import org.openhes.headend.scheduler.events.EventStore;
import org.openhes.headend.scheduler.meters.Meter;
import org.openhes.headend.scheduler.meters.MeterRegistry;
import org.openhes.headend.scheduler.reads.IndexRead;
import org.openhes.headend.scheduler.reads.ReadStore;

/**
 * Field engineers' view of one meter: found by EAN, serial, address or host; its page shows the
 * breaker, the power limit, the last reads, the daily indexes and consumption as charts (data from
 * {@link ChartData}), the events as a timeline and the command history, the state panel refreshed live.
 */
public final class MeterPages {
    static final int SEARCH_LIMIT = 50, EVENTS_SHOWN = 40, COMMANDS_SHOWN = 20;
    static final ObjectMapper JSON = new ObjectMapper();
    static final Map<String, String> REGISTER_NAMES = Map.of(
            "1-0:1.8.1.255", "Import, day (T1)", "1-0:1.8.2.255", "Import, night (T2)",
            "1-0:2.8.1.255", "Export, day (T1)", "1-0:2.8.2.255", "Export, night (T2)",
            "0-1:24.2.1.255", "Gas index");

    public record SearchView(Frame frame, String query, List<Meter> found, boolean more) {
    }

    public record LastRead(String obis, String name, String value, String unit, String capturedAt, String source) {
    }

    public record EventLine(String at, String type, String detail) {
    }

    public record CommandRow(String id, String type, String params, String status, String caller, int attempts, String outcome,
                             String created, String updated) {
    }

    /** The live part of the meter page: the breaker, the limit, the commands. */
    public record StateView(Frame frame, Meter meter, Optional<MeterActivity.Breaker> breaker, Optional<MeterActivity.PowerLimit> limit,
                            String breakerAt, String limitAt, List<CommandRow> commands) {
    }

    /** A key version as the page shows it: never the keys. */
    public record KeyLine(int version, String state, String origin, String since) {
    }

    public record MeterView(Frame frame, Meter meter, StateView state, List<LastRead> lastReads, List<EventLine> events, List<KeyLine> keys) {
    }

    private final MeterRegistry meters;
    private final MeterActivity activity;
    private final ReadStore reads;
    private final EventStore events;
    private final InstantSource clock;
    private final ZoneId zone;
    private final Views views;
    private final Frames frames;
    private final DateTimeFormatter time;

    MeterPages(MeterRegistry meters, MeterActivity activity, ReadStore reads, EventStore events, InstantSource clock, ZoneId zone,
               Views views, Frames frames) {
        this.meters = meters;
        this.activity = activity;
        this.reads = reads;
        this.events = events;
        this.clock = clock;
        this.zone = zone;
        this.views = views;
        this.frames = frames;
        this.time = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(zone);
    }

    /** ?q= : one match opens its page, several are listed, none says so. */
    void search(Context ctx, Caller caller) {
        String q = Optional.ofNullable(ctx.queryParam("q")).map(String::trim).orElse("");
        List<Meter> found = q.isEmpty() ? List.of() : meters.search(q, SEARCH_LIMIT + 1);
        if (found.size() == 1) {
            ctx.redirect("/console/meters/" + found.get(0).id(), HttpStatus.SEE_OTHER);
            return;
        }
        views.render(ctx, "meters.jte", new SearchView(frames.of(ctx, "Meters", caller, "meters"), q,
                found.subList(0, Math.min(found.size(), SEARCH_LIMIT)), found.size() > SEARCH_LIMIT));
    }

    void page(Context ctx, Caller caller) {
        Meter m = meterOr404(ctx);
        Frame frame = frames.of(ctx, "Meter " + m.id(), caller, "meters");
        views.render(ctx, "meter.jte", new MeterView(frame, m, state(frame, m), lastReads(m), timeline(m), keys(m)));
    }

    /** The state panel alone, for the page's live refresh. */
    void state(Context ctx, Caller caller) {
        Meter m = meterOr404(ctx);
        Frame frame = frames.of(ctx, "Meter " + m.id(), caller, "meters");
        views.render(ctx, "meter_state.jte", state(frame, m));
    }

    Meter meterOr404(Context ctx) {
        String id = ctx.pathParam("id");
        return meters.find(id).orElseThrow(() -> new ApiProblem(404, "Unknown meter",
                "no meter " + id + " is registered; search by EAN, serial or address", null));
    }

    private StateView state(Frame frame, Meter m) {
        var breaker = activity.breaker(m.id());
        var limit = activity.powerLimit(m.id());
        List<CommandRow> rows = new ArrayList<>();
        for (MeterActivity.CommandLine c : activity.commands(m.id(), COMMANDS_SHOWN)) {
            rows.add(new CommandRow(c.id().toString(), c.type(), compactParams(c.paramsJson()), c.status(), c.caller(), c.attempts(),
                    outcome(c), time.format(c.createdAt()), time.format(c.updatedAt())));
        }
        return new StateView(frame, m, breaker, limit, breaker.map(b -> time.format(b.at())).orElse(null),
                limit.map(l -> time.format(l.at())).orElse(null), rows);
    }

    /** The newest value of each register over the last 40 days. */
    private List<LastRead> lastReads(Meter m) {
        LocalDate today = clock.instant().atZone(zone).toLocalDate();
        Map<String, IndexRead> newest = new LinkedHashMap<>();
        for (IndexRead r : reads.forMeter(m.id(), today.minusDays(40), today, zone)) newest.put(r.obis(), r);
        List<LastRead> out = new ArrayList<>();
        newest.values().stream().sorted(java.util.Comparator.comparing(IndexRead::obis)).forEach(r -> out.add(new LastRead(r.obis(),
                REGISTER_NAMES.getOrDefault(r.obis(), r.obis()), r.value().toPlainString(), r.unit(), time.format(r.capturedAt()),
                r.source() == IndexRead.Source.DAILY_PROFILE ? "daily profile" : "on demand")));
        return out;
    }

    private List<KeyLine> keys(Meter m) {
        List<KeyLine> out = new ArrayList<>();
        for (MeterActivity.KeyVersionLine k : activity.keyVersions(m.id())) {
            out.add(new KeyLine(k.version(), k.state(), k.origin(), format(k.stateChangedAt() != null ? k.stateChangedAt() : k.createdAt())));
        }
        return out;
    }

    private List<EventLine> timeline(Meter m) {
        List<EventLine> out = new ArrayList<>();
        for (EventStore.Event e : events.latest(m.id(), EVENTS_SHOWN)) out.add(new EventLine(time.format(e.at()), e.type(), eventDetail(e.payloadJson())));
        return out;
    }

    /** An event's payload in a line: its named event or code first, the rest as key=value. */
    static String eventDetail(String payloadJson) {
        try {
            JsonNode p = JSON.readTree(payloadJson);
            StringBuilder s = new StringBuilder();
            if (p.has("event")) s.append(p.get("event").asText());
            p.fields().forEachRemaining(f -> {
                if (f.getKey().equals("event")) return;
                if (!s.isEmpty()) s.append(", ");
                s.append(f.getKey()).append('=').append(f.getValue().isValueNode() ? f.getValue().asText() : f.getValue().toString());
            });
            return s.toString();
        } catch (Exception unreadable) {
            return payloadJson;
        }
    }

    private static String compactParams(String paramsJson) {
        if (paramsJson == null || paramsJson.equals("{}")) return "";
        return eventDetail(paramsJson);
    }

    /** What a command ended with: its error, the guard's change, or the state read back. */
    private static String outcome(MeterActivity.CommandLine c) {
        if (c.error() != null) return c.error();
        if (c.resultJson() == null) return "";
        try {
            JsonNode r = JSON.readTree(c.resultJson());
            StringBuilder s = new StringBuilder(r.path("outcome").asText(""));
            if (r.has("guard")) s.append(" (guard: ").append(r.at("/guard/rule").asText()).append(", ran ").append(r.at("/guard/ran").asText()).append(')');
            if (r.path("state").has("outputState")) s.append(r.at("/state/outputState").asBoolean() ? ", supply on" : ", supply off");
            return s.toString();
        } catch (Exception unreadable) {
            return c.resultJson();
        }
    }

    String format(Instant t) {
        return t == null ? "" : time.format(t);
    }
}
