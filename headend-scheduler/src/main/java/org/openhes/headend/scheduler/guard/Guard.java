package org.openhes.headend.scheduler.guard;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.util.Map;

/**
 * The guard as the head-end applies it: the stored policy (read again at most every
 * {@value #POLICY_TTL_SECONDS} s, so that an admin's change applies within that time and a bulk order
 * does not read it per line) and the meter's holds, decided by {@link DisconnectionGuard}.
 */
public final class Guard {
    static final long POLICY_TTL_SECONDS = 5;

    private final GuardStore store;
    private final DisconnectionGuard rules;
    private final InstantSource clock;
    private volatile GuardPolicy cached;
    private volatile Instant cachedAt = Instant.MIN;

    public Guard(GuardStore store, ZoneId zone, InstantSource clock) {
        this.store = store;
        this.rules = new DisconnectionGuard(zone);
        this.clock = clock;
    }

    public GuardStore store() {
        return store;
    }

    public GuardPolicy policy() {
        Instant now = clock.instant();
        GuardPolicy p = cached;
        if (p == null || Duration.between(cachedAt, now).toSeconds() >= POLICY_TTL_SECONDS) {
            p = store.policy();
            cached = p;
            cachedAt = now;
        }
        return p;
    }

    /** Forgets the cached policy (after an admin replaced it on this node). */
    public void reload() {
        cached = null;
    }

    /** What a {@code type} command for a meter with {@code labels} may do now. */
    public GuardDecision decide(String meterId, Map<String, String> labels, String type, boolean overridden) {
        if (!DisconnectionGuard.GUARDED.contains(type) || overridden) return GuardDecision.ALLOW;
        Instant now = clock.instant();
        return rules.decide(policy(), type, labels, store.holds(meterId, now), now, false);
    }
}
