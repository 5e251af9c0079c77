package org.openhes.headend.scheduler.jobs;

import java.time.Instant;

/**
 * How a job's work ended. A failure carries the failure kind (the protocol layer's vocabulary, e.g.
 * RESPONSE_TIMEOUT), whether retrying can help, and a readable message. A held job ({@code heldUntil}
 * set) did not run: the disconnection guard puts it back in the queue until then, with the rule in
 * {@code message}, without spending an attempt.
 */
public record JobResult(boolean succeeded, String resultJson, String failureKind, boolean retryable, String message, Instant heldUntil) {
    public JobResult(boolean succeeded, String resultJson, String failureKind, boolean retryable, String message) {
        this(succeeded, resultJson, failureKind, retryable, message, null);
    }

    public static JobResult success(String resultJson) {
        return new JobResult(true, resultJson, null, false, null);
    }

    public static JobResult failure(String kind, boolean retryable, String message) {
        return new JobResult(false, null, kind, retryable, message);
    }

    /** Not run now: held by {@code rule} until {@code until}. */
    public static JobResult held(String rule, Instant until) {
        return new JobResult(false, null, "HELD", true, rule, until);
    }
}
