package org.openhes.headend.scheduler.reads;

import java.math.BigDecimal;
import java.time.Instant;

/** One register of one meter at one capture time. */
public record IndexRead(String meterId, Instant capturedAt, String obis, BigDecimal value, String unit, Source source) {
    public enum Source { DAILY_PROFILE, ON_DEMAND }
}
