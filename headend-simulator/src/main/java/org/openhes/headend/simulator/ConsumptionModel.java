package org.openhes.headend.simulator;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * A plausible, deterministic consumption pattern: each meter's four indexes (Wh) are a pure function of
 * time, so the current registers and the midnight rows of the daily profile always agree.
 * Night tariff: 22:00 to 07:00 local and all weekend (as in Belgium's bi-horaire). One meter in four has
 * solar panels and exports around midday.
 */
final class ConsumptionModel {
    static final Instant EPOCH = Instant.parse("2024-01-01T00:00:00Z");
    private final ZoneId zone;

    ConsumptionModel(ZoneId zone) {
        this.zone = zone;
    }

    /** [import day, import night, export day, export night] in Wh at {@code t} for meter {@code i}. */
    long[] indexes(int i, Instant t) {
        long hours = Math.max(0, (t.getEpochSecond() - EPOCH.getEpochSecond()) / 3600);
        double importW = importWatts(i);
        double exportW = exportWatts(i);
        // Whole hours since the epoch, split by tariff with a closed form per week to stay O(1).
        long[] split = splitHours(hours);
        long dayH = split[0], nightH = split[1];
        long base = 1_000_000L + (i % 1000) * 1_000L;
        long importDay = base + Math.round(dayH * importW * 1.2);
        long importNight = base / 2 + Math.round(nightH * importW * 0.8);
        long exportDay = exportW == 0 ? 0 : Math.round(dayH * exportW * 0.9);
        long exportNight = exportW == 0 ? 0 : Math.round(nightH * exportW * 0.1);
        return new long[] {importDay, importNight, exportDay, exportNight};
    }

    /** Mean load of household {@code i}, W. */
    double importWatts(int i) {
        return 250 + (i % 17) * 40;
    }

    /** Mean solar export of meter {@code i} over the day, W (0 for the three meters in four without panels). */
    double exportWatts(int i) {
        return (i % 4 == 0) ? 300 + (i % 5) * 50 : 0;
    }

    /** Gas index in litres (m3 with scaler -3). */
    long gasLitres(int i, Instant t) {
        long hours = Math.max(0, (t.getEpochSecond() - EPOCH.getEpochSecond()) / 3600);
        return 2_000_000L + hours * (50 + i % 30);
    }

    /** Current tariff: 1 day, 2 night. */
    int tariff(Instant t) {
        return isNight(t.atZone(zone)) ? 2 : 1;
    }

    private boolean isNight(ZonedDateTime z) {
        int dow = z.getDayOfWeek().getValue();
        int h = z.getHour();
        return dow >= 6 || h >= 22 || h < 7;
    }

    /** Day hours and night hours among the first {@code hours} hours after the epoch (a Monday, 00:00 UTC). */
    private long[] splitHours(long hours) {
        // Use a UTC approximation of the tariff windows for the closed form; exact per-hour
        // classification for the partial week keeps the function monotonic and cheap.
        long weeks = hours / 168;
        long rest = hours % 168;
        long nightPerWeek = 5 * 9 + 48;
        long night = weeks * nightPerWeek;
        long day = weeks * (168 - nightPerWeek);
        for (long h = 0; h < rest; h++) {
            long dow = h / 24; // 0 = Monday
            long hod = h % 24;
            if (dow >= 5 || hod >= 22 || hod < 7) night++; else day++;
        }
        return new long[] {day, night};
    }
}
