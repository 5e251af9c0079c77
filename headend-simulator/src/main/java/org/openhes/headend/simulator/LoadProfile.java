package org.openhes.headend.simulator;

import gurux.dlms.GXDLMSSettings;
import gurux.dlms.GXDateTime;
import gurux.dlms.ValueEventArgs;
import gurux.dlms.enums.DataType;
import gurux.dlms.objects.GXDLMSClock;
import gurux.dlms.objects.GXDLMSData;
import gurux.dlms.objects.GXDLMSObject;
import gurux.dlms.objects.GXDLMSProfileGeneric;
import gurux.dlms.objects.GXDLMSRegister;
import gurux.dlms.objects.enums.SortMethod;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * The 15-minute load profile (1-0:99.1.0.255): clock, AMR profile status (0-0:96.10.2.255), A+ and A-
 * (1-0:1.8.0.255, 1-0:2.8.0.255); one row per quarter hour of the past {@value #DAYS} days (oldest first,
 * entry 1) from {@link LoadShape}, without the intervals a {@link PowerFailures} outage took. Range access
 * is Gurux's; entry access is answered by {@link ProfileEntries}; a by-entry-only meter refuses ranges.
 */
final class LoadProfile {
    static final int DAYS = 10;
    static final int PERIOD_SECONDS = 900;

    private final GXDLMSProfileGeneric profile = new GXDLMSProfileGeneric("1.0.99.1.0.255");
    private final GXDLMSData status = new GXDLMSData("0.0.96.10.2.255");
    private final GXDLMSRegister importTotal = new GXDLMSRegister("1.0.1.8.0.255");
    private final GXDLMSRegister exportTotal = new GXDLMSRegister("1.0.2.8.0.255");
    private final int meter;
    private final LoadShape shape;
    private final EnergyEncoding energy;
    private final ZoneId zone;
    private final boolean byEntryOnly;

    LoadProfile(int meter, GXDLMSClock clock, LoadShape shape, EnergyEncoding energy, ZoneId zone, boolean byEntryOnly) {
        this.meter = meter;
        this.shape = shape;
        this.energy = energy;
        this.zone = zone;
        this.byEntryOnly = byEntryOnly;
        status.setDataType(2, DataType.UINT8);
        status.setValue(0);
        for (GXDLMSRegister r : List.of(importTotal, exportTotal)) {
            r.setScaler(energy.multiplier());
            r.setUnit(gurux.dlms.enums.Unit.ACTIVE_ENERGY);
            r.setDataType(2, energy.type());
        }
        profile.addCaptureObject(clock, 2, 0);
        profile.addCaptureObject(status, 2, 0);
        profile.addCaptureObject(importTotal, 2, 0);
        profile.addCaptureObject(exportTotal, 2, 0);
        profile.setCapturePeriod(0); // a non-zero period would start Gurux's own capture thread
        profile.setSortMethod(SortMethod.FIFO);
        profile.setSortObject(clock);
        profile.setProfileEntries(DAYS * 100);
    }

    GXDLMSProfileGeneric object() {
        return profile;
    }

    List<GXDLMSObject> objects() {
        return List.of(status, importTotal, exportTotal, profile);
    }

    /** Sets the A+ and A- registers to the meter's values at {@code now}. */
    void refresh(Instant now) {
        long[] wh = shape.at(meter, now);
        importTotal.setValue(energy.raw(wh[0]));
        exportTotal.setValue(energy.raw(wh[1]));
    }

    void onPreRead(ValueEventArgs e, Instant now, GXDLMSSettings settings) {
        if (e.getIndex() == 7) {
            profile.setEntriesInUse(rows(now).size());
            return;
        }
        if (e.getIndex() != 2) return;
        // A read by range gets the rows of that range (a period's margin either side: Gurux filters them
        // again), not the ten days that entry access needs: building rows is most of the meter's work.
        List<Object[]> rows = ProfileEntries.range(e, settings).filter(r -> !byEntryOnly)
                .map(r -> rows(now, r[0].minusSeconds(PERIOD_SECONDS), r[1].plusSeconds(PERIOD_SECONDS))).orElseGet(() -> rows(now));
        ProfileEntries.serve(e, profile, rows, byEntryOnly, settings);
    }

    /** The intervals ended in the past {@value #DAYS} days up to {@code now}, oldest first. */
    List<Object[]> rows(Instant now) {
        return rows(now, Instant.MIN, Instant.MAX);
    }

    /** Those of the intervals of {@link #rows(Instant)} that end in [from, to]. */
    private List<Object[]> rows(Instant now, Instant from, Instant to) {
        long lastEnd = Math.floorDiv(now.getEpochSecond(), PERIOD_SECONDS) * PERIOD_SECONDS;
        long firstEnd = lastEnd - (long) DAYS * 86_400 + PERIOD_SECONDS;
        if (to.isBefore(Instant.ofEpochSecond(lastEnd))) lastEnd = Math.floorDiv(to.getEpochSecond(), PERIOD_SECONDS) * PERIOD_SECONDS;
        if (from.isAfter(Instant.ofEpochSecond(firstEnd))) {
            firstEnd += Math.ceilDiv(from.getEpochSecond() - firstEnd, PERIOD_SECONDS) * PERIOD_SECONDS;
        }
        List<Object[]> rows = new ArrayList<>(DAYS * 96);
        for (long end = firstEnd; end <= lastEnd; end += PERIOD_SECONDS) {
            Instant t = Instant.ofEpochSecond(end);
            LocalDate day = t.minusSeconds(1).atZone(zone).toLocalDate();
            int quarter = (int) ((end - day.atStartOfDay(zone).toEpochSecond()) / PERIOD_SECONDS) - 1;
            PowerFailures.Outage outage = PowerFailures.on(meter, day);
            if (outage != null && outage.missing(quarter)) continue;
            long[] wh = shape.at(meter, t);
            rows.add(new Object[] {new GXDateTime(Date.from(t)), outage == null ? 0 : outage.status(quarter),
                    energy.raw(wh[0]), energy.raw(wh[1])});
        }
        return rows;
    }
}
