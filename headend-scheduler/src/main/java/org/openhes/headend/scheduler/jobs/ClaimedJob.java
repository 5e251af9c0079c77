package org.openhes.headend.scheduler.jobs;

import java.time.Instant;
import java.util.UUID;

/**
 * A job a node holds a lease on. {@code attempt} is the lease token: completing needs it to match.
 * {@code lastFailureKind} is how the previous attempt failed (null on the first), for handlers whose
 * retry decision depends on a failure repeating. {@code ridesOn} is the primary job whose session this
 * one joins (null: the job has a session of its own).
 */
public record ClaimedJob(long id, JobType type, String meterId, String payload, int attempt, int maxAttempts,
                         Instant runAt, Instant deadline, Instant createdAt, Long readRunId, UUID commandId,
                         String lastFailureKind, Long ridesOn) {
}
