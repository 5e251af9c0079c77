package org.openhes.headend.simulator;

import java.time.LocalDate;

/**
 * Deterministic outages per meter seed: meters whose index is 1 modulo 3 lose power on about one day in
 * three, for 1 to 6 quarter hours from between 02:00 and 18:00 (elapsed local time). The intervals ending
 * during an outage are not captured; the first one after it carries power down and data not valid, and
 * after an outage of 45 minutes or more clock adjusted as well (the meter set its clock on power-up).
 */
final class PowerFailures {
    /** AMR profile status bits (IDIS): power down, clock adjusted, data not valid. */
    static final int POWER_DOWN = 0x80, CLOCK_ADJUSTED = 0x20, DATA_NOT_VALID = 0x04;

    private PowerFailures() {
    }

    /** The outage of meter {@code i} on local {@code day}: quarters [first, first + length) missing, or null. */
    static Outage on(int i, LocalDate day) {
        if (i % 3 != 1) return null;
        long h = (i * 2_654_435_761L) ^ (day.toEpochDay() * 40_503L + 0x9E37L);
        h ^= h >>> 13;
        h *= 0x5bd1e995L;
        h ^= h >>> 15;
        long u = h & Long.MAX_VALUE;
        if (u % 3 != 0) return null;
        return new Outage((int) (8 + (u >>> 8) % 64), (int) (1 + (u >>> 20) % 6));
    }

    /**
     * @param first  the first missing interval, counted from 0 for the one ending 15 minutes after local midnight
     * @param length missing intervals
     */
    record Outage(int first, int length) {
        boolean missing(int quarter) {
            return quarter >= first && quarter < first + length;
        }

        /** The status of interval {@code quarter}: the bits of the one right after the outage, else 0. */
        int status(int quarter) {
            if (quarter != first + length) return 0;
            return POWER_DOWN | DATA_NOT_VALID | (length >= 3 ? CLOCK_ADJUSTED : 0);
        }
    }
}
