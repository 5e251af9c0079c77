package org.openhes.headend.interop.meter;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;

/**
 * Deterministic consumption: constant powers per tariff window, integrated over real time, so every
 * index is an exact, monotonic function of the instant. Day tariff is 07:00-22:00 local every day;
 * the rest is night. Because the DST changes fall in the night window, a 23 h or 25 h day only
 * changes the night energy, which keeps the closed form exact.
 */
public final class ConsumptionModel {
    /** Before this instant all indexes stand at their base values. */
    public static final Instant ORIGIN = LocalDate.of(2024, 1, 1).atStartOfDay(MeterTime.ZONE).toInstant();
    static final long IMPORT_DAY_W = 400;
    static final long IMPORT_NIGHT_W = 250;
    static final long EXPORT_DAY_W = 120;
    static final long EXPORT_NIGHT_W = 10;
    private static final long DAY_WINDOW_S = Duration.ofHours(15).toSeconds();
    private static final LocalTime DAY_STARTS = LocalTime.of(7, 0);
    private static final Indexes BASE = new Indexes(1_234_567, 987_654, 123_456, 4_321);
    private static final long GAS_BASE_LITRES = 2_500_000;
    private static final long GAS_SECONDS_PER_LITRE = 60;

    /** The four indexes at {@code t}. */
    public Indexes indexesAt(Instant t) {
        long[] s = daySecondsAndNightSeconds(t);
        return new Indexes(
                BASE.importDayWh() + wh(s[0], IMPORT_DAY_W),
                BASE.importNightWh() + wh(s[1], IMPORT_NIGHT_W),
                BASE.exportDayWh() + wh(s[0], EXPORT_DAY_W),
                BASE.exportNightWh() + wh(s[1], EXPORT_NIGHT_W));
    }

    /** Import active power in W at {@code t}: the power of the tariff window it falls in. */
    public long activePowerAt(Instant t) {
        return isDayTariff(t) ? IMPORT_DAY_W : IMPORT_NIGHT_W;
    }

    public boolean isDayTariff(Instant t) {
        LocalTime local = t.atZone(MeterTime.ZONE).toLocalTime();
        return !local.isBefore(DAY_STARTS) && local.isBefore(DAY_STARTS.plusHours(15));
    }

    /** The gas index in litres (m3 with scaler -3) at {@code t}. */
    public long gasLitresAt(Instant t) {
        long seconds = Math.max(0, Duration.between(ORIGIN, t).toSeconds());
        return GAS_BASE_LITRES + seconds / GAS_SECONDS_PER_LITRE;
    }

    /** When the M-Bus gas meter last reported: gas meters send their index once an hour. */
    public Instant gasCaptureTime(Instant t) {
        return t.truncatedTo(ChronoUnit.HOURS);
    }

    private static long wh(long seconds, long watts) {
        return seconds * watts / 3600;
    }

    /** Seconds spent in the day window and in the night window between ORIGIN and {@code t}. */
    private static long[] daySecondsAndNightSeconds(Instant t) {
        if (!t.isAfter(ORIGIN)) {
            return new long[] {0, 0};
        }
        ZonedDateTime local = t.atZone(MeterTime.ZONE);
        LocalDate date = local.toLocalDate();
        Instant startOfDay = date.atStartOfDay(MeterTime.ZONE).toInstant();
        long fullDays = ChronoUnit.DAYS.between(ORIGIN.atZone(MeterTime.ZONE).toLocalDate(), date);
        long secondsBeforeToday = Duration.between(ORIGIN, startOfDay).toSeconds();
        Instant dayWindowStart = date.atTime(DAY_STARTS).atZone(MeterTime.ZONE).toInstant();
        long dayToday = Math.clamp(Duration.between(dayWindowStart, t).toSeconds(), 0, DAY_WINDOW_S);
        long nightToday = Duration.between(startOfDay, t).toSeconds() - dayToday;
        long day = fullDays * DAY_WINDOW_S + dayToday;
        long night = secondsBeforeToday - fullDays * DAY_WINDOW_S + nightToday;
        return new long[] {day, night};
    }
}
