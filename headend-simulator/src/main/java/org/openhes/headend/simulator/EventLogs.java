package org.openhes.headend.simulator;

import gurux.dlms.GXDLMSSettings;
import gurux.dlms.GXDateTime;
import gurux.dlms.ValueEventArgs;
import gurux.dlms.enums.DataType;
import gurux.dlms.objects.GXDLMSClock;
import gurux.dlms.objects.GXDLMSData;
import gurux.dlms.objects.GXDLMSObject;
import gurux.dlms.objects.GXDLMSProfileGeneric;
import gurux.dlms.objects.enums.SortMethod;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * The meter's three event logs (profile generic, sorted FIFO on the clock, range and entry access served
 * by {@link ProfileEntries}; a by-entry-only meter refuses ranges as for the load profile):
 * <ul>
 * <li>standard event log 0-0:99.98.0.255: clock, event code 0-0:96.11.0.255 (UINT8). Derived from
 *     {@link PowerFailures} over the past {@value LoadProfile#DAYS} days: {@value #POWER_DOWN} (power down)
 *     at the outage's start, local midnight + first × 15 min (elapsed time), {@value #POWER_UP} (power up)
 *     at its end, local midnight + (first + length) × 15 min;</li>
 * <li>disconnector control log 0-0:99.98.2.255: clock, event code 0-0:96.11.2.255 (UINT8): the events
 *     {@link MeterState} keeps across connections (remote disconnection {@value #REMOTE_DISCONNECTION},
 *     remote connection {@value #REMOTE_CONNECTION}, ready for manual reconnection
 *     {@value #READY_FOR_MANUAL_RECONNECTION}, limiter threshold changed {@value #LIMITER_THRESHOLD_CHANGED});</li>
 * <li>power failure log 1-0:99.97.0.255: clock (the outage's end), duration 0-0:96.7.19.255 (UINT32,
 *     seconds: length × 900).</li>
 * </ul>
 * An event belongs to the past days when its instant is in (now - {@value LoadProfile#DAYS} days, now].
 */
final class EventLogs {
    static final int POWER_DOWN = 1, POWER_UP = 2;
    static final int READY_FOR_MANUAL_RECONNECTION = 59, REMOTE_DISCONNECTION = 62, REMOTE_CONNECTION = 63,
            LIMITER_THRESHOLD_CHANGED = 67;

    private final GXDLMSProfileGeneric standard = new GXDLMSProfileGeneric("0.0.99.98.0.255");
    private final GXDLMSData standardCode = new GXDLMSData("0.0.96.11.0.255");
    private final GXDLMSProfileGeneric disconnector = new GXDLMSProfileGeneric("0.0.99.98.2.255");
    private final GXDLMSData disconnectorCode = new GXDLMSData("0.0.96.11.2.255");
    private final GXDLMSProfileGeneric powerFailures = new GXDLMSProfileGeneric("1.0.99.97.0.255");
    private final GXDLMSData duration = new GXDLMSData("0.0.96.7.19.255");
    private final int meter;
    private final MeterState state;
    private final ZoneId zone;
    private final boolean byEntryOnly;

    EventLogs(int meter, MeterState state, GXDLMSClock clock, ZoneId zone, boolean byEntryOnly) {
        this.meter = meter;
        this.state = state;
        this.zone = zone;
        this.byEntryOnly = byEntryOnly;
        standardCode.setDataType(2, DataType.UINT8);
        standardCode.setValue(0);
        disconnectorCode.setDataType(2, DataType.UINT8);
        disconnectorCode.setValue(0);
        duration.setDataType(2, DataType.UINT32);
        duration.setValue(0L);
        setUp(standard, clock, standardCode, LoadProfile.DAYS * 2);
        setUp(disconnector, clock, disconnectorCode, MeterState.CONTROL_LOG_SIZE);
        setUp(powerFailures, clock, duration, LoadProfile.DAYS);
    }

    private static void setUp(GXDLMSProfileGeneric log, GXDLMSClock clock, GXDLMSData value, int entries) {
        log.addCaptureObject(clock, 2, 0);
        log.addCaptureObject(value, 2, 0);
        log.setCapturePeriod(0); // no capture thread: the rows are computed on each read
        log.setSortMethod(SortMethod.FIFO);
        log.setSortObject(clock);
        log.setProfileEntries(entries);
    }

    List<GXDLMSObject> objects() {
        return List.of(standardCode, standard, disconnectorCode, disconnector, duration, powerFailures);
    }

    /** True when {@code target} is one of the logs (answered by {@link #onPreRead}). */
    boolean serves(GXDLMSObject target) {
        return target == standard || target == disconnector || target == powerFailures;
    }

    void onPreRead(ValueEventArgs e, Instant now, GXDLMSSettings settings) {
        GXDLMSProfileGeneric log = (GXDLMSProfileGeneric) e.getTarget();
        List<Object[]> rows = rows(log, now);
        if (e.getIndex() == 7) {
            log.setEntriesInUse(rows.size());
        } else if (e.getIndex() == 2) {
            ProfileEntries.serve(e, log, rows, byEntryOnly, settings);
        }
    }

    private List<Object[]> rows(GXDLMSProfileGeneric log, Instant now) {
        if (log == standard) return standardRows(meter, now, zone);
        if (log == powerFailures) return powerFailureRows(meter, now, zone);
        List<Object[]> rows = new ArrayList<>();
        for (long[] event : state.controlLog()) rows.add(new Object[] {time(event[0]), (int) event[1]});
        return rows;
    }

    /** Standard event log rows {clock, code}, oldest first. */
    static List<Object[]> standardRows(int meter, Instant now, ZoneId zone) {
        List<Object[]> rows = new ArrayList<>();
        for (Instant[] outage : outages(meter, now, zone)) {
            rows.add(new Object[] {time(outage[0].getEpochSecond()), POWER_DOWN});
            if (!outage[1].isAfter(now)) rows.add(new Object[] {time(outage[1].getEpochSecond()), POWER_UP});
        }
        return rows;
    }

    /** Power failure log rows {clock of the end, duration in seconds}, oldest first. */
    static List<Object[]> powerFailureRows(int meter, Instant now, ZoneId zone) {
        List<Object[]> rows = new ArrayList<>();
        for (Instant[] outage : outages(meter, now, zone)) {
            if (outage[1].isAfter(now)) continue; // still without power: not logged yet
            rows.add(new Object[] {time(outage[1].getEpochSecond()), outage[1].getEpochSecond() - outage[0].getEpochSecond()});
        }
        return rows;
    }

    /** {start, end} of meter {@code meter}'s outages that started in (now - DAYS days, now], oldest first. */
    static List<Instant[]> outages(int meter, Instant now, ZoneId zone) {
        Instant oldest = now.minusSeconds(LoadProfile.DAYS * 86_400L);
        LocalDate today = now.atZone(zone).toLocalDate();
        List<Instant[]> outages = new ArrayList<>();
        for (LocalDate day = today.minusDays(LoadProfile.DAYS + 1); !day.isAfter(today); day = day.plusDays(1)) {
            PowerFailures.Outage o = PowerFailures.on(meter, day);
            if (o == null) continue;
            Instant midnight = day.atStartOfDay(zone).toInstant();
            Instant start = midnight.plusSeconds(o.first() * (long) LoadProfile.PERIOD_SECONDS);
            Instant end = midnight.plusSeconds((o.first() + o.length()) * (long) LoadProfile.PERIOD_SECONDS);
            if (start.isAfter(oldest) && !start.isAfter(now)) outages.add(new Instant[] {start, end});
        }
        return outages;
    }

    private static GXDateTime time(long epochSecond) {
        return new GXDateTime(Date.from(Instant.ofEpochSecond(epochSecond)));
    }
}
