package org.openhes.headend.bench;

import java.time.Duration;

/**
 * What a scenario is asked to do, checked once: durations carry their unit, and no value makes a run
 * meaningless (an exchange slower than the response timeout, an empty fleet).
 */
record BenchParameters(int meters, Duration latency, Duration jitter, int concurrency, Duration duration, int rate,
                       int clients, int maxQueued, int warmup) {
    /** The response timeout of the head-end in the scenarios' rigs; a simulated exchange must stay well below it. */
    static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(15);

    BenchParameters {
        positive("--meters", meters);
        positive("--concurrency", concurrency);
        positive("--rate", rate);
        positive("--clients", clients);
        positive("--max-queued", maxQueued);
        if (warmup < 0) throw new IllegalArgumentException("--warmup must not be negative (was " + warmup + ")");
        if (duration.isZero()) throw new IllegalArgumentException("--duration must be more than 0s");
        if (latency.plus(jitter).compareTo(RESPONSE_TIMEOUT.dividedBy(3)) > 0) {
            throw new IllegalArgumentException("--latency " + latency.toMillis() + "ms plus --jitter " + jitter.toMillis()
                    + "ms per exchange is more than a third of the head-end's response timeout (" + RESPONSE_TIMEOUT.toMillis()
                    + "ms): every session would time out; a real meter answers in 100ms to 2000ms");
        }
    }

    private static void positive(String option, int value) {
        if (value <= 0) throw new IllegalArgumentException(option + " must be at least 1 (was " + value + ")");
    }

    /**
     * A duration with its unit ({@code 200ms}, {@code 1s}, {@code 2m}); a bare number is refused,
     * since it has meant seconds to some readers and milliseconds to others.
     */
    static Duration duration(String option, String text) {
        String t = text.trim();
        var m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m)").matcher(t);
        if (!m.matches()) {
            String hint = t.matches("\\d+") ? ": give the unit, e.g. " + t + "ms or " + t + "s" : ": a whole number with ms, s or m, e.g. 200ms";
            throw new IllegalArgumentException(option + " " + text + " is not a duration" + hint);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            default -> Duration.ofMinutes(n);
        };
    }

    /** The duration as the simulator's option takes it. */
    static String text(Duration d) {
        return d.toMillis() + "ms";
    }
}
