package org.openhes.headend.protocol.model;

import java.time.Instant;

/**
 * One row of a meter's log: when it happened by the meter's clock, and its value (an event code, or the
 * power failure's duration in seconds).
 */
public record LogEntry(MeterLog log, Instant at, long value) {
    public String eventName() {
        return log.eventName(value);
    }
}
