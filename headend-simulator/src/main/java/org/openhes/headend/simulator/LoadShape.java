package org.openhes.headend.simulator;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * The 15-minute shape of a meter's energy: the {@link ConsumptionModel}'s hourly indexes, interpolated
 * within the hour, plus a daily wave that is zero at every local midnight (so A+ and A- at midnight are
 * exactly the daily profile's import and export sums). Import: low at night, a morning bump and an
 * evening peak around 19:00. Export (the model's solar meters): a midday bell. Both waves are bounded by
 * the model's lowest hourly rate, so the indexes never go down.
 */
final class LoadShape {
    private final ConsumptionModel model;
    private final ZoneId zone;

    LoadShape(ConsumptionModel model, ZoneId zone) {
        this.model = model;
        this.zone = zone;
    }

    /** [A+, A-] in Wh at {@code t} for meter {@code i}. */
    long[] at(int i, Instant t) {
        Instant hour = Instant.ofEpochSecond(Math.floorDiv(t.getEpochSecond(), 3600) * 3600);
        double frac = (t.getEpochSecond() - hour.getEpochSecond()) / 3600.0;
        long[] a = model.indexes(i, hour), b = model.indexes(i, hour.plusSeconds(3600));
        double imp = a[0] + a[1] + frac * (b[0] + b[1] - a[0] - a[1]);
        double exp = a[2] + a[3] + frac * (b[2] + b[3] - a[2] - a[3]);
        double x = dayFraction(t);
        imp += 11 * model.importWatts(i) * importWave(x);
        if (model.exportWatts(i) > 0) exp += 6.5 * model.exportWatts(i) * solarWave(x);
        return new long[] {Math.round(imp), Math.round(exp)};
    }

    /** Elapsed share of the local day at {@code t} (0 at local midnight; 23 or 25 hours on DST days). */
    private double dayFraction(Instant t) {
        LocalDate day = t.atZone(zone).toLocalDate();
        Instant start = day.atStartOfDay(zone).toInstant(), end = day.plusDays(1).atStartOfDay(zone).toInstant();
        return (double) Duration.between(start, t).toSeconds() / Duration.between(start, end).toSeconds();
    }

    /** Integral from 0 to x of cos(2π(u - 0.8)) + 0.5 cos(4π(u - 0.33)): 0 at 0 and 1, slope at most 1.5. */
    static double importWave(double x) {
        double evening = (Math.sin(2 * Math.PI * (x - 0.8)) - Math.sin(-2 * Math.PI * 0.8)) / (2 * Math.PI);
        double morning = 0.5 * (Math.sin(4 * Math.PI * (x - 0.33)) - Math.sin(-4 * Math.PI * 0.33)) / (4 * Math.PI);
        return evening + morning;
    }

    /** Integral from 0 to x of (sun(u) - 1/π), sun a half sine from 06:00 to 18:00: 0 at 0 and 1. */
    static double solarWave(double x) {
        double sun = x <= 0.25 ? 0 : x >= 0.75 ? 1 / Math.PI : (1 - Math.cos(2 * Math.PI * (x - 0.25))) / (2 * Math.PI);
        return sun - x / Math.PI;
    }
}
