package org.openhes.headend.protocol.model;

import java.time.Instant;
import java.util.Objects;

/**
 * One row of a load profile: the end of the interval (the capture time), the AMR profile status bits the
 * meter set, and the import (A+) and export (A-) indexes at that time, scaled, in the meter's unit (Wh).
 *
 * @param end         capture time (the interval's end)
 * @param status      status bits (IDIS: 0x80 power down, 0x20 clock adjusted, 0x04 data not valid), 0 when none
 * @param importIndex A+ (null when the profile has no import column)
 * @param exportIndex A- (null when the profile has no export column)
 */
public record LoadInterval(Instant end, int status, Register importIndex, Register exportIndex) {
    public static final int POWER_DOWN = 0x80, CLOCK_ADJUSTED = 0x20, DATA_NOT_VALID = 0x04, CLOCK_INVALID = 0x02;

    public LoadInterval {
        Objects.requireNonNull(end, "end");
    }
}
