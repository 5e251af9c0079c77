package org.openhes.headend.scheduler.guard;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides whether a command may run now, under a {@link GuardPolicy}: a protected customer's meter is
 * never disconnected (the order is refused or becomes a power limit), and a disconnection in a
 * non-disconnection window (a meter's own hold, a dated period, a weekend, a public holiday, outside
 * the day's hours) waits for the window's end or is refused. Reconnections and limits always pass.
 * Applied when a command is accepted and again when it is about to run (a window may have opened in
 * between). Local time of {@code zone}; DST changes shift the day's hours with the clock.
 */
public final class DisconnectionGuard {
    /** Commands the guard looks at: the others always pass. */
    public static final Set<String> GUARDED = Set.of("DISCONNECT", "GAS_DISCONNECT");
    /** How far ahead the end of a window is searched (a longer hold is refused as such). */
    private static final int SEARCH_DAYS = 400;

    private final ZoneId zone;

    public DisconnectionGuard(ZoneId zone) {
        this.zone = zone;
    }

    /**
     * @param type      the command type
     * @param labels    the meter's labels
     * @param holds     the meter's own non-disconnection periods
     * @param overridden an operator's override (with a reason, audited by the caller)
     */
    public GuardDecision decide(GuardPolicy p, String type, Map<String, String> labels, List<MeterHold> holds, Instant now,
                                boolean overridden) {
        if (!GUARDED.contains(type) || overridden) return GuardDecision.ALLOW;
        if (isProtected(p, labels)) {
            if (p.protectedAction() == GuardPolicy.ProtectedAction.LIMIT && type.equals("DISCONNECT")) {
                return GuardDecision.limit("protected-customer", p.protectedLimitWatts());
            }
            // a gas valve cannot be limited: a protected customer's gas stays on
            return GuardDecision.refuse("protected-customer");
        }
        String rule = windowAt(p, holds, now);
        if (rule == null) return GuardDecision.ALLOW;
        if (p.windowAction() == GuardPolicy.WindowAction.REFUSE) return GuardDecision.refuse(rule);
        Instant end = nextAllowed(p, holds, now);
        return end == null ? GuardDecision.refuse(rule + " (no end within " + SEARCH_DAYS + " days)") : GuardDecision.hold(rule, end);
    }

    static boolean isProtected(GuardPolicy p, Map<String, String> labels) {
        if (p.protectedLabel() == null) return false;
        String[] kv = p.protectedLabel().split("=", 2);
        return kv[1].equals(labels.get(kv[0]));
    }

    /** The rule whose window holds {@code t}, or null when a disconnection may run then. */
    String windowAt(GuardPolicy p, List<MeterHold> holds, Instant t) {
        for (MeterHold h : holds) if (h.covers(t)) return "meter-hold" + (h.reason().isEmpty() ? "" : ": " + h.reason());
        ZonedDateTime local = t.atZone(zone);
        LocalDate day = local.toLocalDate();
        for (GuardPolicy.Period period : p.periods()) {
            if (period.contains(day)) return "period " + period.from() + ".." + period.to() + (period.reason().isEmpty() ? "" : ": " + period.reason());
        }
        if (p.holdWeekends() && BelgianHolidays.isWeekend(day)) return "weekend";
        if (p.holdPublicHolidays() && BelgianHolidays.isHoliday(day)) return "public-holiday";
        if (p.dayStart() != null && (t.isBefore(dayStart(p, day)) || !t.isBefore(day.atTime(p.dayEnd()).atZone(zone).toInstant()))) {
            return "outside " + p.dayStart() + "-" + p.dayEnd();
        }
        return null;
    }

    private Instant dayStart(GuardPolicy p, LocalDate day) {
        return (p.dayStart() == null ? day.atStartOfDay(zone) : day.atTime(p.dayStart()).atZone(zone)).toInstant();
    }

    /** The first instant at or after {@code t} outside every window, or null within the search horizon. */
    Instant nextAllowed(GuardPolicy p, List<MeterHold> holds, Instant t) {
        Instant c = t;
        Instant horizon = t.atZone(zone).plusDays(SEARCH_DAYS).toInstant();
        while (c.isBefore(horizon)) {
            String rule = windowAt(p, holds, c);
            if (rule == null) return c;
            Instant next = c;
            for (MeterHold h : holds) if (h.covers(c)) next = max(next, h.to());
            LocalDate day = c.atZone(zone).toLocalDate();
            if (next.equals(c)) {
                boolean today = !rule.startsWith("outside") || c.isBefore(dayStart(p, day));
                next = today && rule.startsWith("outside") ? dayStart(p, day) : dayStart(p, day.plusDays(1));
            }
            c = next;
        }
        return null;
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
