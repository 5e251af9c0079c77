package org.openhes.headend.api.console;

import io.javalin.http.Context;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.openhes.headend.api.http.IntervalConsumption;
import org.openhes.headend.scheduler.meters.Meter;
import org.openhes.headend.scheduler.reads.IndexRead;
import org.openhes.headend.scheduler.reads.IntervalStore;
import org.openhes.headend.scheduler.reads.ReadStore;
import org.openhes.headend.scheduler.reads.StoredInterval;

/**
 * The meter page's charts as JSON in uPlot's column shape: the four index registers at each daily
 * capture (kWh), the daily import and export (differences of consecutive captures, kWh), and the last
 * two days' quarter-hours (Wh imported in each, as the API's intervals compute it). Times are Unix seconds.
 */
final class ChartData {
    static final int DAYS = 60;
    static final String[] INDEXES = {"1-0:1.8.1.255", "1-0:1.8.2.255", "1-0:2.8.1.255", "1-0:2.8.2.255"};
    private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);

    private final ReadStore reads;
    private final IntervalStore intervals;
    private final InstantSource clock;
    private final ZoneId zone;

    ChartData(ReadStore reads, IntervalStore intervals, InstantSource clock, ZoneId zone) {
        this.reads = reads;
        this.intervals = intervals;
        this.clock = clock;
        this.zone = zone;
    }

    void json(Context ctx, Meter m) {
        ctx.header("Cache-Control", "no-store").json(of(m));
    }

    Map<String, Object> of(Meter m) {
        LocalDate today = clock.instant().atZone(zone).toLocalDate();
        // midnight captures of the daily profile only: on-demand reads fall at any time of day
        TreeMap<Instant, Map<String, BigDecimal>> byCapture = new TreeMap<>();
        for (IndexRead r : reads.forMeter(m.id(), today.minusDays(DAYS), today, zone)) {
            if (r.source() != IndexRead.Source.DAILY_PROFILE) continue;
            byCapture.computeIfAbsent(r.capturedAt(), t -> new LinkedHashMap<>()).put(r.obis(), kwh(r));
        }
        List<Long> days = new ArrayList<>();
        List<List<BigDecimal>> indexes = new ArrayList<>();
        for (int k = 0; k < INDEXES.length; k++) indexes.add(new ArrayList<>());
        for (var e : byCapture.entrySet()) {
            days.add(e.getKey().getEpochSecond());
            for (int k = 0; k < INDEXES.length; k++) indexes.get(k).add(e.getValue().get(INDEXES[k]));
        }
        // a day's consumption: the next capture minus this one, when both hold the registers
        List<Long> consumptionDays = new ArrayList<>();
        List<BigDecimal> imported = new ArrayList<>(), exported = new ArrayList<>();
        List<Instant> captures = new ArrayList<>(byCapture.keySet());
        for (int i = 0; i + 1 < captures.size(); i++) {
            Map<String, BigDecimal> a = byCapture.get(captures.get(i)), b = byCapture.get(captures.get(i + 1));
            consumptionDays.add(captures.get(i).getEpochSecond());
            imported.add(delta(a, b, INDEXES[0], INDEXES[1]));
            exported.add(delta(a, b, INDEXES[2], INDEXES[3]));
        }
        // a quarter-hour's import: its index minus the previous one's, left out when unreliable (a gap, a reset...)
        Instant now = clock.instant();
        List<Long> ends = new ArrayList<>();
        List<BigDecimal> quarterImport = new ArrayList<>();
        List<StoredInterval> quarters = intervals.forMeter(m.id(), now.minus(java.time.Duration.ofDays(2)), now);
        StoredInterval previous = quarters.isEmpty() ? null : intervals.before(m.id(), quarters.get(0).end());
        for (StoredInterval i : quarters) {
            ends.add(i.end().getEpochSecond());
            quarterImport.add(IntervalConsumption.reliableImportWh(previous, i));
            previous = i;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("indexes", List.of(days, indexes.get(0), indexes.get(1), indexes.get(2), indexes.get(3)));
        out.put("daily", List.of(consumptionDays, imported, exported));
        out.put("intervals", List.of(ends, quarterImport));
        return out;
    }

    private static BigDecimal kwh(IndexRead r) {
        return r.unit().equalsIgnoreCase("Wh") ? r.value().divide(THOUSAND, 3, RoundingMode.HALF_UP) : r.value();
    }

    private static BigDecimal delta(Map<String, BigDecimal> a, Map<String, BigDecimal> b, String day, String night) {
        if (a.get(day) == null || a.get(night) == null || b.get(day) == null || b.get(night) == null) return null;
        return b.get(day).add(b.get(night)).subtract(a.get(day).add(a.get(night)));
    }
}
