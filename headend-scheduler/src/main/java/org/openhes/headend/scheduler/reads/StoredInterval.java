package org.openhes.headend.scheduler.reads;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One load profile interval of one meter: its end, the meter's status bits, the A+ and A- indexes in Wh
 * (null when the meter's profile has no such column).
 */
public record StoredInterval(String meterId, Instant end, int status, BigDecimal importWh, BigDecimal exportWh) {
}
