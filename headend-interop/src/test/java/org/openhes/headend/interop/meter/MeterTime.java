package org.openhes.headend.interop.meter;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * The meter's own time: the injected clock plus the offset that clock writes and shift_time leave
 * behind, as a real meter's RTC drifts away from (or is set apart from) true time.
 */
public final class MeterTime {
    /** The meters are Belgian; their local time decides midnight rows and tariffs. */
    public static final ZoneId ZONE = ZoneId.of("Europe/Brussels");

    private final Clock clock;
    private Duration offset = Duration.ZERO;

    MeterTime(Clock clock) {
        this.clock = clock;
    }

    /** The meter's current time. */
    public synchronized Instant now() {
        return clock.instant().plus(offset);
    }

    public ZonedDateTime localNow() {
        return now().atZone(ZONE);
    }

    /** How far the meter's clock is from the injected (true) clock. */
    public synchronized Duration offset() {
        return offset;
    }

    /** A clock write: from now on the meter reads {@code meterTime} at this true instant. */
    public synchronized void setTo(Instant meterTime) {
        offset = Duration.between(clock.instant(), meterTime);
    }

    public synchronized void shift(Duration by) {
        offset = offset.plus(by);
    }
}
