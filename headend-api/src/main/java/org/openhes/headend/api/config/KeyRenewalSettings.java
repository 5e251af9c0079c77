package org.openhes.headend.api.config;

import java.util.Locale;
import org.openhes.headend.api.jobs.KeyRenewal;

/**
 * Key renewal settings: the invocation counter past which a meter's keys are renewed automatically
 * ({@code key.renewal.counter.threshold}, OSGP warns at 2,000,000,000 of 4,294,967,295), whether and how
 * fast and how often it is looked for ({@code key.renewal.auto.enabled}, {@code key.renewal.auto.per.minute},
 * {@code key.renewal.auto.every}), and, for
 * the crash tests only, a step after which the node halts ({@code key.renewal.crash.at}: stored,
 * transferred or confirmed).
 */
public record KeyRenewalSettings(long counterThreshold, boolean autoEnabled, int autoPerMinute, java.time.Duration autoEvery, KeyRenewal.Step crashAt) {
    static KeyRenewalSettings from(Settings s) {
        String crash = s.string("key.renewal.crash.at", "");
        KeyRenewal.Step step;
        try {
            step = crash.isBlank() ? null : KeyRenewal.Step.valueOf(crash.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("key.renewal.crash.at (HEADEND_KEY_RENEWAL_CRASH_AT) must be stored, transferred or confirmed (was " + crash + ")");
        }
        return new KeyRenewalSettings(
                s.integer("key.renewal.counter.threshold", 2_000_000_000, 1, Integer.MAX_VALUE),
                s.bool("key.renewal.auto.enabled", true),
                s.integer("key.renewal.auto.per.minute", 60, 1, 100_000),
                s.duration("key.renewal.auto.every", java.time.Duration.ofMinutes(1)),
                step);
    }

    /** The renewal's step hook: halts this process after {@link #crashAt} (a real crash, for the tests), else nothing. */
    public KeyRenewal.StepHook hook() {
        if (crashAt == null) return (step, meter) -> { };
        return (step, meter) -> {
            if (step == crashAt) {
                System.err.println("key.renewal.crash.at=" + step + ": halting after that step for meter " + meter);
                Runtime.getRuntime().halt(137);
            }
        };
    }
}
