package org.openhes.headend.api.http;

import static org.openhes.headend.api.http.Json.JSON;
import static org.openhes.headend.api.http.Params.date;

import io.javalin.http.Context;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openhes.headend.scheduler.meters.Meter;
import org.openhes.headend.scheduler.meters.MeterRegistry;
import org.openhes.headend.scheduler.reads.IntervalStore;
import org.openhes.headend.scheduler.reads.StoredInterval;

/**
 * Stored load profile intervals: one meter's over a range (JSON or CSV), and the whole fleet's intervals
 * of one local day as a stream (NDJSON or CSV), each with its consumption and reliability flags
 * ({@link IntervalConsumption}).
 */
final class IntervalResource {
    /** Longest range of one request: two months and a bit, so that any calendar month fits. */
    static final Duration MAX_RANGE = Duration.ofDays(62);

    private final MeterRegistry meters;
    private final IntervalStore intervals;
    private final ZoneId zone;

    IntervalResource(MeterRegistry meters, IntervalStore intervals, ZoneId zone) {
        this.meters = meters;
        this.intervals = intervals;
        this.zone = zone;
    }

    /**
     * ?from= and ?to=: instants (2026-11-18T00:00:00Z) or local dates (from: the intervals ending after its
     * midnight; to: those ending up to the next midnight); the intervals ending in (from, to].
     */
    void meterIntervals(Context ctx, String caller) {
        Meter m = Params.meterOr404(meters, ctx.pathParam("id"));
        Instant from = instant("from", ctx.queryParam("from"), false);
        Instant to = ctx.queryParam("to") == null ? from.plus(Duration.ofDays(1)) : instant("to", ctx.queryParam("to"), true);
        if (!to.isAfter(from)) throw ApiProblem.badRequest("to", "to must be after from (from " + from + ", to " + to + ")");
        if (Duration.between(from, to).compareTo(MAX_RANGE) > 0) {
            throw ApiProblem.badRequest("to", "at most " + MAX_RANGE.toDays() + " days per request (asked " + Duration.between(from, to).toDays() + ")");
        }
        boolean csv = csv(ctx, "json");
        List<StoredInterval> found = intervals.forMeter(m.id(), from.plusNanos(1000), to);
        StoredInterval previous = found.isEmpty() ? null : intervals.before(m.id(), found.get(0).end());
        if (csv) {
            StringBuilder sb = new StringBuilder(IntervalConsumption.CSV_HEADER);
            for (StoredInterval i : found) {
                sb.append(IntervalConsumption.csv(previous, i));
                previous = i;
            }
            ctx.contentType("text/csv").result(sb.toString());
            return;
        }
        List<Map<String, Object>> items = new ArrayList<>(found.size());
        for (StoredInterval i : found) {
            items.add(IntervalConsumption.item(previous, i));
            previous = i;
        }
        ctx.json(Pages.page(items, null));
    }

    /** ?date= (local day): the fleet's intervals ending in that day, streamed by meter, NDJSON (default) or CSV. */
    void fleetIntervals(Context ctx, String caller) throws IOException {
        LocalDate day = date("date", ctx.queryParam("date"));
        boolean csv = csv(ctx, "ndjson");
        Instant start = day.atStartOfDay(zone).toInstant(), end = day.plusDays(1).atStartOfDay(zone).toInstant();
        ctx.contentType(csv ? "text/csv" : "application/x-ndjson");
        BufferedWriter out = new BufferedWriter(new OutputStreamWriter(ctx.outputStream(), StandardCharsets.UTF_8), 1 << 16);
        if (csv) out.write(IntervalConsumption.CSV_HEADER);
        Map<String, StoredInterval> previous = new HashMap<>(1);
        // one period earlier: the base of each meter's first consumption of the day
        intervals.stream(start.minus(IntervalConsumption.PERIOD), end, i -> {
            StoredInterval before = previous.isEmpty() ? null : previous.get(i.meterId());
            previous.clear();
            previous.put(i.meterId(), i);
            if (!i.end().isAfter(start)) return;
            try {
                out.write(csv ? IntervalConsumption.csv(before, i) : JSON.writeValueAsString(IntervalConsumption.item(before, i)) + "\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        out.flush();
    }

    /** CSV when format=csv or the Accept header asks for text/csv; format must otherwise be the default. */
    private static boolean csv(Context ctx, String otherFormat) {
        String format = ctx.queryParam("format");
        if (format != null) {
            if (format.equals("csv")) return true;
            if (format.equals(otherFormat)) return false;
            throw ApiProblem.badRequest("format", "format must be " + otherFormat + " or csv (was " + format + ")");
        }
        String accept = ctx.header("Accept");
        return accept != null && accept.contains("text/csv");
    }

    private Instant instant(String field, String v, boolean endOfDay) {
        if (v == null) throw ApiProblem.badRequest(field, field + " is required (YYYY-MM-DD or an ISO-8601 instant)");
        try {
            if (v.length() == 10) {
                LocalDate d = LocalDate.parse(v);
                return (endOfDay ? d.plusDays(1) : d).atStartOfDay(zone).toInstant();
            }
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw ApiProblem.badRequest(field, field + " must be a date YYYY-MM-DD or an instant such as 2026-11-18T00:00:00Z (was " + v + ")");
        }
    }
}
