package org.openhes.headend.api.http;

import static org.openhes.headend.api.http.Json.JSON;
import static org.openhes.headend.api.http.Params.date;

import io.javalin.http.Context;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openhes.headend.scheduler.meters.Meter;
import org.openhes.headend.scheduler.meters.MeterRegistry;
import org.openhes.headend.scheduler.reads.IndexRead;
import org.openhes.headend.scheduler.reads.ReadStore;

/** Stored daily reads: one meter's over a range of days, and the whole fleet's midnight reads of one day as a stream. */
final class DailyReadResource {
    private final MeterRegistry meters;
    private final ReadStore reads;
    private final ZoneId zone;

    DailyReadResource(MeterRegistry meters, ReadStore reads, ZoneId zone) {
        this.meters = meters;
        this.reads = reads;
        this.zone = zone;
    }

    /** ?from= and ?to= (inclusive, at most 400 days), one item per capture time. */
    void meterDailyReads(Context ctx, String caller) {
        Meter m = Params.meterOr404(meters, ctx.pathParam("id"));
        LocalDate from = date("from", ctx.queryParam("from"));
        LocalDate to = ctx.queryParam("to") == null ? from : date("to", ctx.queryParam("to"));
        if (to.isBefore(from)) throw ApiProblem.badRequest("to", "to must not be before from");
        if (from.plusDays(400).isBefore(to)) throw ApiProblem.badRequest("to", "at most 400 days per request");
        List<IndexRead> found = reads.forMeter(m.id(), from, to, zone);
        ctx.json(Pages.page(group(found), null));
    }

    /** Reads of one capture time together: {meterId, capturedAt, registers}. */
    static List<Map<String, Object>> group(List<IndexRead> reads) {
        Map<String, Map<String, Object>> byTime = new LinkedHashMap<>();
        for (IndexRead r : reads) {
            Map<String, Object> day = byTime.computeIfAbsent(r.meterId() + "|" + r.capturedAt(), k -> {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("meterId", r.meterId());
                d.put("capturedAt", r.capturedAt().toString());
                d.put("source", r.source().name());
                d.put("registers", new ArrayList<Map<String, Object>>());
                return d;
            });
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> regs = (List<Map<String, Object>>) day.get("registers");
            Map<String, Object> reg = new LinkedHashMap<>();
            reg.put("obis", r.obis());
            reg.put("value", r.value());
            reg.put("unit", r.unit());
            regs.add(reg);
        }
        return new ArrayList<>(byTime.values());
    }

    /** The whole fleet's midnight reads of one day, streamed as NDJSON (default) or CSV. */
    void fleetDailyReads(Context ctx, String caller) throws IOException {
        LocalDate day = date("date", ctx.queryParam("date"));
        String format = ctx.queryParam("format") == null ? "ndjson" : ctx.queryParam("format");
        if (!format.equals("ndjson") && !format.equals("csv")) throw ApiProblem.badRequest("format", "format must be ndjson or csv");
        Instant midnight = day.atStartOfDay(zone).toInstant();
        ctx.contentType(format.equals("csv") ? "text/csv" : "application/x-ndjson");
        BufferedWriter out = new BufferedWriter(new OutputStreamWriter(ctx.outputStream(), StandardCharsets.UTF_8), 1 << 16);
        if (format.equals("csv")) out.write("meter_id,captured_at,obis,value,unit\n");
        List<IndexRead> current = new ArrayList<>();
        reads.streamDay(day, zone, r -> {
            if (!r.capturedAt().equals(midnight) || r.source() != IndexRead.Source.DAILY_PROFILE) return;
            try {
                if (format.equals("csv")) {
                    out.write(r.meterId() + "," + r.capturedAt() + "," + r.obis() + "," + r.value().toPlainString() + "," + r.unit() + "\n");
                } else {
                    if (!current.isEmpty() && !current.get(0).meterId().equals(r.meterId())) {
                        out.write(JSON.writeValueAsString(group(current).get(0)) + "\n");
                        current.clear();
                    }
                    current.add(r);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        if (!current.isEmpty()) out.write(JSON.writeValueAsString(group(current).get(0)) + "\n");
        out.flush();
    }
}
