package org.openhes.headend.bench;

import java.util.ArrayList;
import java.util.List;

/** Rounding and percentiles for the printed figures. */
final class Stats {
    private Stats() {
    }

    static double percentile(List<Double> values, double q) {
        if (values.isEmpty()) return 0;
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1)));
    }

    static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
