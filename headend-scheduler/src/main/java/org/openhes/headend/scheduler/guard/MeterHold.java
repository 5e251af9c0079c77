package org.openhes.headend.scheduler.guard;

import java.time.Instant;
import java.util.Objects;

/** A period in which one meter must not be disconnected (e.g. a medical certificate), with its reason. */
public record MeterHold(long id, String meterId, Instant from, Instant to, String reason) {
    public MeterHold {
        Objects.requireNonNull(meterId, "meterId");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (!to.isAfter(from)) throw new IllegalArgumentException("a hold must end (" + to + ") after it starts (" + from + ")");
        reason = reason == null ? "" : reason;
    }

    boolean covers(Instant t) {
        return !t.isBefore(from) && t.isBefore(to);
    }
}
