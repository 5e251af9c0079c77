package org.openhes.headend.scheduler.guard;

import java.time.Instant;

/**
 * What the guard says of one command at one moment.
 *
 * @param verdict    allow, refuse, hold until {@code until}, or run as a power limit of {@code watts}
 * @param rule       the rule that decided (null when allowed), e.g. {@code weekend}, {@code protected-customer}
 * @param until      with HOLD: when the window ends
 * @param watts      with LIMIT: the power limit the command becomes
 */
public record GuardDecision(Verdict verdict, String rule, Instant until, int watts) {
    public enum Verdict { ALLOW, REFUSE, HOLD, LIMIT }

    public static final GuardDecision ALLOW = new GuardDecision(Verdict.ALLOW, null, null, 0);

    public static GuardDecision refuse(String rule) {
        return new GuardDecision(Verdict.REFUSE, rule, null, 0);
    }

    public static GuardDecision hold(String rule, Instant until) {
        return new GuardDecision(Verdict.HOLD, rule, until, 0);
    }

    public static GuardDecision limit(String rule, int watts) {
        return new GuardDecision(Verdict.LIMIT, rule, null, watts);
    }
}
