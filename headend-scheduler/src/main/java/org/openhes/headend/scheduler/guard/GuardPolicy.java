package org.openhes.headend.scheduler.guard;

import java.time.LocalDate;
import java.time.LocalTime;
import java.util.List;
import java.util.Objects;

/**
 * What the head-end enforces on disconnections, whatever the platform sends. Reconnections and power
 * limits are never held or refused.
 *
 * @param protectedLabel     the meter label that marks a protected customer, as {@code key=value} (e.g. {@code customer=protected})
 * @param protectedAction    what a DISCONNECT of a protected customer's meter becomes
 * @param protectedLimitWatts the power limit it becomes with {@link ProtectedAction#LIMIT}
 * @param holdWeekends       no disconnection on Saturdays and Sundays
 * @param holdPublicHolidays no disconnection on Belgian public holidays
 * @param dayStart           disconnections only from this local time ...
 * @param dayEnd             ... to this one (null both: any time of day)
 * @param periods            dated periods without disconnection (e.g. a winter truce)
 * @param windowAction       what a DISCONNECT in a non-disconnection window does: wait for its end, or be refused
 */
public record GuardPolicy(String protectedLabel, ProtectedAction protectedAction, int protectedLimitWatts, boolean holdWeekends,
                          boolean holdPublicHolidays, LocalTime dayStart, LocalTime dayEnd, List<Period> periods,
                          WindowAction windowAction) {
    public enum ProtectedAction { REFUSE, LIMIT }

    public enum WindowAction { HOLD, REFUSE }

    /** A dated period without disconnection, both days included. */
    public record Period(LocalDate from, LocalDate to, String reason) {
        public Period {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            if (to.isBefore(from)) throw new IllegalArgumentException("period ends (" + to + ") before it starts (" + from + ")");
            reason = reason == null ? "" : reason;
        }

        boolean contains(LocalDate d) {
            return !d.isBefore(from) && !d.isAfter(to);
        }
    }

    public GuardPolicy {
        Objects.requireNonNull(protectedAction, "protectedAction");
        Objects.requireNonNull(windowAction, "windowAction");
        if (protectedLabel != null && !protectedLabel.matches("[^=;]+=[^=;]+")) {
            throw new IllegalArgumentException("protectedLabel must be key=value (was " + protectedLabel + ")");
        }
        if (protectedLimitWatts < 100 || protectedLimitWatts > 100_000) {
            throw new IllegalArgumentException("protectedLimitWatts must be between 100 and 100000 (was " + protectedLimitWatts + ")");
        }
        if ((dayStart == null) != (dayEnd == null)) throw new IllegalArgumentException("dayStart and dayEnd go together");
        if (dayStart != null && !dayStart.isBefore(dayEnd)) {
            throw new IllegalArgumentException("dayStart (" + dayStart + ") must be before dayEnd (" + dayEnd + ")");
        }
        periods = List.copyOf(periods);
    }

    /**
     * The policy of a new installation: protected customers (label {@code customer=protected}) get a power
     * limit of 2300 W instead of a disconnection; no time window until an admin sets the operator's own
     * (a window the operator did not choose would hold orders without anyone knowing why).
     */
    public static GuardPolicy defaults() {
        return new GuardPolicy("customer=protected", ProtectedAction.LIMIT, 2300, false, false, null, null, List.of(), WindowAction.HOLD);
    }
}
