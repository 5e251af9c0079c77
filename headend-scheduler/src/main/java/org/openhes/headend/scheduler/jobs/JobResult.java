package org.openhes.headend.scheduler.jobs;

/**
 * How a job's work ended. A failure carries the failure kind (the protocol layer's vocabulary, e.g.
 * RESPONSE_TIMEOUT), whether retrying can help, and a readable message.
 */
public record JobResult(boolean succeeded, String resultJson, String failureKind, boolean retryable, String message) {
    public static JobResult success(String resultJson) {
        return new JobResult(true, resultJson, null, false, null);
    }

    public static JobResult failure(String kind, boolean retryable, String message) {
        return new JobResult(false, null, kind, retryable, message);
    }
}
