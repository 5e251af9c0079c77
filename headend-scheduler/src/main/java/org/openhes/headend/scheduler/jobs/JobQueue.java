package org.openhes.headend.scheduler.jobs;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.openhes.headend.scheduler.db.Sql;
import org.openhes.headend.scheduler.delivery.CallbackOutbox;
import org.openhes.headend.scheduler.delivery.FeedKind;
import org.openhes.headend.scheduler.delivery.FeedStore;
import org.openhes.headend.scheduler.db.StoreException;

/**
 * The durable work queue. Due jobs are claimed in batches with {@code FOR UPDATE SKIP LOCKED} under a
 * lease; a partial unique index keeps at most one running job per meter across all nodes. Completing
 * or failing needs the lease (owner and attempt) still to be held, so a node whose lease expired
 * cannot record a result twice.
 */
public final class JobQueue {
    private final DataSource ds;
    private final InstantSource clock;
    private final RetryPolicy retry;

    public JobQueue(DataSource ds, InstantSource clock, RetryPolicy retry) {
        this.ds = ds;
        this.clock = clock;
        this.retry = retry;
    }

    /** A job to add. */
    /**
     * A job to queue. {@code joinsSession}: a command that waits for the meter's next session (run in
     * it as a rider) and runs on its own at {@code runAt} if none comes first.
     */
    public record NewJob(JobType type, String meterId, String payload, Instant runAt, Instant deadline, Long readRunId,
                         UUID commandId, boolean joinsSession) {
        public NewJob(JobType type, String meterId, String payload, Instant runAt, Instant deadline, Long readRunId, UUID commandId) {
            this(type, meterId, payload, runAt, deadline, readRunId, commandId, false);
        }
    }

    public long enqueue(NewJob j) {
        return Sql.tx(ds, c -> enqueue(c, j));
    }

    /** Adds jobs in one batch inside the caller's transaction (their ids are not needed). */
    public void enqueueAll(Connection c, List<NewJob> jobs) throws SQLException {
        if (jobs.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO jobs (type, meter_id, priority, payload, state, run_at, deadline, max_attempts, read_run_id,
                                  command_id, created_at, joins_session)
                VALUES (?, ?, ?, ?::jsonb, 'QUEUED', ?, ?, ?, ?, ?, ?, ?)
                """)) {
            Instant now = clock.instant();
            for (NewJob j : jobs) {
                ps.setString(1, j.type().name());
                ps.setString(2, j.meterId());
                ps.setInt(3, j.type().priority);
                ps.setString(4, j.payload() == null ? "{}" : j.payload());
                ps.setTimestamp(5, Sql.ts(j.runAt() == null ? now : j.runAt()));
                ps.setTimestamp(6, Sql.ts(j.deadline()));
                ps.setInt(7, j.type().maxAttempts);
                if (j.readRunId() == null) ps.setNull(8, Types.BIGINT); else ps.setLong(8, j.readRunId());
                ps.setObject(9, j.commandId());
                ps.setTimestamp(10, Sql.ts(now));
                ps.setBoolean(11, j.joinsSession());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Adds a job inside the caller's transaction. */
    public long enqueue(Connection c, NewJob j) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO jobs (type, meter_id, priority, payload, state, run_at, deadline, max_attempts, read_run_id,
                                  command_id, created_at, joins_session)
                VALUES (?, ?, ?, ?::jsonb, 'QUEUED', ?, ?, ?, ?, ?, ?, ?) RETURNING id
                """)) {
            ps.setString(1, j.type().name());
            ps.setString(2, j.meterId());
            ps.setInt(3, j.type().priority);
            ps.setString(4, j.payload() == null ? "{}" : j.payload());
            ps.setTimestamp(5, Sql.ts(j.runAt() == null ? clock.instant() : j.runAt()));
            ps.setTimestamp(6, Sql.ts(j.deadline()));
            ps.setInt(7, j.type().maxAttempts);
            if (j.readRunId() == null) ps.setNull(8, Types.BIGINT); else ps.setLong(8, j.readRunId());
            ps.setObject(9, j.commandId());
            ps.setTimestamp(10, Sql.ts(clock.instant()));
            ps.setBoolean(11, j.joinsSession());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static final String CLAIM = """
            WITH candidates AS (
                SELECT id, meter_id, priority, run_at FROM jobs
                 WHERE state = 'QUEUED' AND run_at <= ? AND priority <= ?
                 ORDER BY priority, run_at
                 LIMIT ?
                 FOR UPDATE SKIP LOCKED
            ), one_per_meter AS (
                SELECT DISTINCT ON (c.meter_id) c.id, c.priority, c.run_at FROM candidates c
                 WHERE NOT EXISTS (SELECT 1 FROM jobs r WHERE r.meter_id = c.meter_id AND r.state = 'RUNNING' AND r.rides_on IS NULL)
                 ORDER BY c.meter_id, c.priority, c.run_at
            ), chosen AS (
                SELECT id FROM one_per_meter ORDER BY priority, run_at LIMIT ?
            )
            UPDATE jobs j SET state = 'RUNNING', lease_owner = ?, lease_expires_at = ?, attempts = j.attempts + 1
              FROM chosen WHERE j.id = chosen.id
            RETURNING j.id, j.type, j.meter_id, j.payload::text, j.attempts, j.max_attempts, j.run_at, j.deadline,
                      j.created_at, j.read_run_id, j.command_id, j.last_failure_kind, j.rides_on
            """;

    /** Claims up to {@code limit} due jobs for {@code owner}, at most one per meter. */
    public List<ClaimedJob> claim(String owner, int limit, Duration lease) {
        return claim(owner, limit, lease, Short.MAX_VALUE);
    }

    /** Claims only jobs whose priority is at most {@code maxPriority} (e.g. commands and on-demand reads). */
    public List<ClaimedJob> claim(String owner, int limit, Duration lease, int maxPriority) {
        for (int attempt = 1; ; attempt++) {
            try {
                return Sql.tx(ds, c -> {
                    Instant now = clock.instant();
                    // Claims are short and batched: taking them one node at a time costs little and means the
                    // "no running job for this meter" check cannot race another node's claim.
                    // The same round trip asks for the claim to be planned for its values: the driver prepares a
                    // statement on the server after five uses, and PostgreSQL may keep a generic plan made while
                    // the jobs table was nearly empty (it grows to a day's fleet in one statement) until the next
                    // ANALYZE; measured during a daily read of 30,000 meters: 24 ms per claim, 5.4 ms with this.
                    try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext('headend.jobs.claim')), "
                            + "set_config('plan_cache_mode', 'force_custom_plan', true)")) {
                        lock.execute();
                    }
                    try (PreparedStatement ps = c.prepareStatement(CLAIM)) {
                        ps.setTimestamp(1, Sql.ts(now));
                        ps.setInt(2, maxPriority);
                        ps.setInt(3, limit * 4);
                        ps.setInt(4, limit);
                        ps.setString(5, owner);
                        ps.setTimestamp(6, Sql.ts(now.plus(lease)));
                        List<ClaimedJob> out = claimed(ps);
                        markCommandsRunning(c, out);
                        return out;
                    }
                });
            } catch (StoreException e) {
                // Safety net: should two claims still pick jobs of one meter, the unique index refuses one;
                // claiming again sees the other node's job as running.
                if (attempt < 5 && e.getCause() instanceof SQLException s && "23505".equals(s.getSQLState())) continue;
                throw e;
            }
        }
    }

    private static List<ClaimedJob> claimed(PreparedStatement ps) throws SQLException {
        List<ClaimedJob> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long run = rs.getLong(10);
                Long readRun = rs.wasNull() ? null : run;
                long primary = rs.getLong(13);
                Long ridesOn = rs.wasNull() ? null : primary;
                out.add(new ClaimedJob(rs.getLong(1), JobType.valueOf(rs.getString(2)), rs.getString(3),
                        rs.getString(4), rs.getInt(5), rs.getInt(6), Sql.instant(rs.getTimestamp(7)),
                        Sql.instant(rs.getTimestamp(8)), Sql.instant(rs.getTimestamp(9)),
                        readRun, (UUID) rs.getObject(11), rs.getString(12), ridesOn));
            }
        }
        return out;
    }

    // From the queued commands (few, under their own partial index) to the meter's running primary
    // job (the one-session-per-meter index): cheap however many sessions the node runs.
    private static final String CLAIM_RIDERS = """
            WITH chosen AS (
                SELECT j.id, r.id AS primary_id FROM jobs j
                  JOIN jobs r ON r.meter_id = j.meter_id AND r.state = 'RUNNING' AND r.rides_on IS NULL AND r.lease_owner = ?
                 WHERE j.state = 'QUEUED' AND j.type = 'COMMAND' AND j.meter_id = ANY(?) AND (j.run_at <= ? OR j.joins_session)
                 ORDER BY j.priority, j.run_at
                 LIMIT ?
                 FOR UPDATE OF j SKIP LOCKED
            )
            UPDATE jobs j SET state = 'RUNNING', lease_owner = ?, lease_expires_at = ?, attempts = j.attempts + 1,
                              rides_on = chosen.primary_id
              FROM chosen WHERE j.id = chosen.id
            RETURNING j.id, j.type, j.meter_id, j.payload::text, j.attempts, j.max_attempts, j.run_at, j.deadline,
                      j.created_at, j.read_run_id, j.command_id, j.last_failure_kind, j.rides_on
            """;

    /**
     * Claims the commands of meters whose session {@code owner} is running (its primary job), to run
     * in that session: the due ones, and those that wait for the meter's next session whatever their
     * time. Each is leased like any job; {@link ClaimedJob#ridesOn()} names the primary.
     */
    public List<ClaimedJob> claimRiders(String owner, java.util.Collection<String> meterIds, int limit, Duration lease) {
        if (meterIds.isEmpty()) return List.of();
        return Sql.tx(ds, c -> {
            Instant now = clock.instant();
            try (PreparedStatement ps = c.prepareStatement(CLAIM_RIDERS)) {
                ps.setString(1, owner);
                ps.setArray(2, c.createArrayOf("text", meterIds.toArray()));
                ps.setTimestamp(3, Sql.ts(now));
                ps.setInt(4, limit);
                ps.setString(5, owner);
                ps.setTimestamp(6, Sql.ts(now.plus(lease)));
                List<ClaimedJob> out = claimed(ps);
                markCommandsRunning(c, out);
                return out;
            }
        });
    }

    private void markCommandsRunning(Connection c, List<ClaimedJob> jobs) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE commands SET status = 'RUNNING', attempts = ?, updated_at = ? WHERE id = ?
                """); PreparedStatement h = c.prepareStatement("INSERT INTO command_history VALUES (?, ?, 'RUNNING', ?)")) {
            for (ClaimedJob j : jobs) {
                if (j.commandId() == null) continue;
                ps.setInt(1, j.attempt());
                ps.setTimestamp(2, Sql.ts(clock.instant()));
                ps.setObject(3, j.commandId());
                ps.addBatch();
                h.setObject(1, j.commandId());
                h.setTimestamp(2, Sql.ts(clock.instant()));
                h.setString(3, "attempt " + j.attempt());
                h.addBatch();
            }
            ps.executeBatch();
            h.executeBatch();
        }
    }

    /** What finishing a job did. */
    public enum Finish { SUCCEEDED, RETRY, DEAD, LEASE_LOST }

    /** Records a job's result if {@code owner} still holds its lease; decides retry or dead on failure. */
    public Finish finish(ClaimedJob job, String owner, JobResult result) {
        if (result.heldUntil() != null) return hold(job, owner, result);
        Instant now = clock.instant();
        RetryPolicy.Decision decision = result.succeeded() ? null
                : retry.next(job.attempt(), job.maxAttempts(), result, now, job.deadline(), ThreadLocalRandom.current()::nextDouble);
        return Sql.tx(ds, c -> {
            String state = result.succeeded() ? "SUCCEEDED" : decision.retry() ? "QUEUED" : "DEAD";
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE jobs SET state = ?, result = ?::jsonb, last_failure = ?, last_failure_kind = ?,
                                    run_at = COALESCE(?, run_at), lease_owner = NULL, lease_expires_at = NULL,
                                    finished_at = CASE WHEN ? IN ('SUCCEEDED', 'DEAD') THEN ?::timestamptz END
                     WHERE id = ? AND state = 'RUNNING' AND lease_owner = ? AND attempts = ?
                    """)) {
                ps.setString(1, state);
                ps.setString(2, result.resultJson());
                ps.setString(3, result.succeeded() ? null
                        : result.message() + (decision.retry() ? "" : " [" + decision.reason() + "]"));
                ps.setString(4, result.failureKind());
                ps.setTimestamp(5, Sql.ts(decision != null && decision.retry() ? decision.at() : null));
                ps.setString(6, state);
                ps.setTimestamp(7, Sql.ts(now));
                ps.setLong(8, job.id());
                ps.setString(9, owner);
                ps.setInt(10, job.attempt());
                if (ps.executeUpdate() == 0) return Finish.LEASE_LOST;
            }
            if (job.commandId() != null) updateCommand(c, job, result, state, decision, now);
            return result.succeeded() ? Finish.SUCCEEDED : decision.retry() ? Finish.RETRY : Finish.DEAD;
        });
    }

    /** A job the guard held: queued again for when its window ends, its attempt given back. */
    private Finish hold(ClaimedJob job, String owner, JobResult result) {
        Instant now = clock.instant();
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE jobs SET state = 'QUEUED', run_at = ?, attempts = attempts - 1, lease_owner = NULL, lease_expires_at = NULL,
                                    rides_on = NULL, last_failure = ?, last_failure_kind = 'HELD'
                     WHERE id = ? AND state = 'RUNNING' AND lease_owner = ? AND attempts = ?
                    """)) {
                ps.setTimestamp(1, Sql.ts(result.heldUntil()));
                ps.setString(2, "held: " + result.message());
                ps.setLong(3, job.id());
                ps.setString(4, owner);
                ps.setInt(5, job.attempt());
                if (ps.executeUpdate() == 0) return Finish.LEASE_LOST;
            }
            if (job.commandId() != null) {
                markHeld(c, job.commandId(), result.message(), result.heldUntil(), now);
                try (PreparedStatement ps = c.prepareStatement("UPDATE commands SET attempts = GREATEST(attempts - 1, 0) WHERE id = ?")) {
                    ps.setObject(1, job.commandId());
                    ps.executeUpdate();
                }
            }
            return Finish.RETRY;
        });
    }

    /** A command's status while the guard holds it, with the rule and the end of its window. */
    public static void markHeld(Connection c, UUID commandId, String rule, Instant until, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE commands SET status = 'HELD', held_rule = ?, held_until = ?, updated_at = ? WHERE id = ?");
             PreparedStatement h = c.prepareStatement("INSERT INTO command_history VALUES (?, ?, 'HELD', ?)")) {
            ps.setString(1, rule);
            ps.setTimestamp(2, Sql.ts(until));
            ps.setTimestamp(3, Sql.ts(now));
            ps.setObject(4, commandId);
            ps.executeUpdate();
            h.setObject(1, commandId);
            h.setTimestamp(2, Sql.ts(now));
            h.setString(3, rule + " until " + until);
            h.executeUpdate();
        }
    }

    /**
     * Records many successes in one statement; returns the ids whose lease was still held (the others
     * were taken over and are not recorded). Jobs carrying a command go through {@link #finish}.
     */
    public java.util.Set<Long> finishAll(List<ClaimedJob> jobs, List<String> results, String owner) {
        java.util.Set<Long> recorded = new java.util.HashSet<>();
        List<ClaimedJob> plain = new ArrayList<>();
        List<String> plainResults = new ArrayList<>();
        for (int k = 0; k < jobs.size(); k++) {
            ClaimedJob j = jobs.get(k);
            if (j.commandId() != null) {
                if (finish(j, owner, JobResult.success(results.get(k))) == Finish.SUCCEEDED) recorded.add(j.id());
            } else {
                plain.add(j);
                plainResults.add(results.get(k));
            }
        }
        if (plain.isEmpty()) return recorded;
        Instant now = clock.instant();
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(FINISH_ALL)) {
                Long[] ids = new Long[plain.size()];
                Integer[] attempts = new Integer[plain.size()];
                for (int k = 0; k < plain.size(); k++) {
                    ids[k] = plain.get(k).id();
                    attempts[k] = plain.get(k).attempt();
                }
                ps.setTimestamp(1, Sql.ts(now));
                ps.setArray(2, c.createArrayOf("bigint", ids));
                ps.setArray(3, c.createArrayOf("integer", attempts));
                ps.setArray(4, c.createArrayOf("text", plainResults.toArray(String[]::new)));
                ps.setString(5, owner);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) recorded.add(rs.getLong(1));
                }
                return recorded;
            }
        });
    }

    private static final String FINISH_ALL = "UPDATE jobs j SET state = 'SUCCEEDED', result = x.result::jsonb, lease_owner = NULL, "
            + "lease_expires_at = NULL, finished_at = ? FROM unnest(?::bigint[], ?::int[], ?::text[]) AS x(id, attempt, result) "
            + "WHERE j.id = x.id AND j.attempts = x.attempt AND j.state = 'RUNNING' AND j.lease_owner = ? RETURNING j.id";

    private static void updateCommand(Connection c, ClaimedJob job, JobResult result, String jobState,
                                      RetryPolicy.Decision decision, Instant now) throws SQLException {
        String status = switch (jobState) {
            case "SUCCEEDED" -> "SUCCEEDED";
            case "QUEUED" -> "QUEUED";
            default -> decision != null && "deadline passed".equals(decision.reason()) ? "EXPIRED" : "FAILED";
        };
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE commands SET status = ?, attempts = ?, result = COALESCE(?::jsonb, result), error = ?, updated_at = ?
                 WHERE id = ?
                """); PreparedStatement h = c.prepareStatement("INSERT INTO command_history VALUES (?, ?, ?, ?)")) {
            ps.setString(1, status);
            ps.setInt(2, job.attempt());
            ps.setString(3, result.resultJson());
            ps.setString(4, result.succeeded() ? null : result.failureKind() + ": " + result.message());
            ps.setTimestamp(5, Sql.ts(now));
            ps.setObject(6, job.commandId());
            ps.executeUpdate();
            h.setObject(1, job.commandId());
            h.setTimestamp(2, Sql.ts(now));
            h.setString(3, status);
            h.setString(4, result.succeeded() ? null : result.failureKind() + ": " + result.message());
            h.executeUpdate();
        }
        if (!status.equals("QUEUED")) commandEnded(c, job.commandId(), job.meterId(), now);
    }

    /** A command's end, announced in its own transaction: in the feed, and to its callback URL. */
    private static void commandEnded(Connection c, UUID commandId, String meterId, Instant now) throws SQLException {
        FeedStore.append(c, FeedKind.COMMAND_RESULT, meterId, commandId.toString());
        CallbackOutbox.enqueue(c, commandId, now);
    }

    /** Extends the leases {@code owner} holds; returns how many. */
    public int heartbeat(String owner, Duration lease) {
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE jobs SET lease_expires_at = ? WHERE state = 'RUNNING' AND lease_owner = ?")) {
                ps.setTimestamp(1, Sql.ts(clock.instant().plus(lease)));
                ps.setString(2, owner);
                return ps.executeUpdate();
            }
        });
    }

    /**
     * Extends only the leases of the jobs {@code owner} is still working on: a job whose result could
     * not be recorded is left to expire and run again instead of being kept alive forever.
     */
    public int heartbeat(String owner, Duration lease, java.util.Collection<Long> jobIds) {
        if (jobIds.isEmpty()) return 0;
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE jobs SET lease_expires_at = ? WHERE state = 'RUNNING' AND lease_owner = ? AND id = ANY(?)")) {
                ps.setTimestamp(1, Sql.ts(clock.instant().plus(lease)));
                ps.setString(2, owner);
                ps.setArray(3, c.createArrayOf("bigint", jobIds.toArray(Long[]::new)));
                return ps.executeUpdate();
            }
        });
    }

    private record DeadCommand(UUID id, String meterId, String error) {
    }

    /**
     * Gives back the jobs of nodes whose lease expired (they crashed or lost the database). A job whose
     * attempts are spent is dead, and so is its command: FAILED, announced like any other end.
     */
    public int expireLeases() {
        return Sql.tx(ds, c -> {
            Instant now = clock.instant();
            int expired = 0;
            List<DeadCommand> deadCommands = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE jobs SET state = CASE WHEN attempts >= max_attempts THEN 'DEAD' ELSE 'QUEUED' END,
                                    last_failure = 'lease of ' || lease_owner || ' expired', last_failure_kind = 'LEASE_EXPIRED',
                                    lease_owner = NULL, lease_expires_at = NULL, run_at = ?, rides_on = NULL,
                                    finished_at = CASE WHEN attempts >= max_attempts THEN ?::timestamptz END
                     WHERE state = 'RUNNING' AND lease_expires_at < ?
                    RETURNING state, command_id, meter_id, last_failure
                    """)) {
                ps.setTimestamp(1, Sql.ts(now));
                ps.setTimestamp(2, Sql.ts(now));
                ps.setTimestamp(3, Sql.ts(now));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        expired++;
                        UUID command = rs.getObject(2, UUID.class);
                        if ("DEAD".equals(rs.getString(1)) && command != null) {
                            deadCommands.add(new DeadCommand(command, rs.getString(3), "LEASE_EXPIRED: " + rs.getString(4) + " on its last attempt"));
                        }
                    }
                }
            }
            if (deadCommands.isEmpty()) return expired;
            try (PreparedStatement ps = c.prepareStatement("UPDATE commands SET status = 'FAILED', error = ?, updated_at = ? WHERE id = ?");
                 PreparedStatement h = c.prepareStatement("INSERT INTO command_history VALUES (?, ?, 'FAILED', ?)")) {
                for (DeadCommand d : deadCommands) {
                    ps.setString(1, d.error());
                    ps.setTimestamp(2, Sql.ts(now));
                    ps.setObject(3, d.id());
                    ps.addBatch();
                    h.setObject(1, d.id());
                    h.setTimestamp(2, Sql.ts(now));
                    h.setString(3, d.error());
                    h.addBatch();
                }
                ps.executeBatch();
                h.executeBatch();
            }
            for (DeadCommand d : deadCommands) commandEnded(c, d.id(), d.meterId(), now);
            return expired;
        });
    }

    /** Puts a dead job back in the queue with fresh attempts. */
    public boolean requeue(long jobId) {
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE jobs SET state = 'QUEUED', attempts = 0, run_at = ?, finished_at = NULL WHERE id = ? AND state = 'DEAD'
                    """)) {
                ps.setTimestamp(1, Sql.ts(clock.instant()));
                ps.setLong(2, jobId);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** A job as operators see it. */
    public record JobView(long id, JobType type, String meterId, String state, int attempts, String lastFailureKind,
                          String lastFailure, Instant runAt, Instant createdAt) {
    }

    public List<JobView> list(String state, int limit, long afterId) {
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT id, type, meter_id, state, attempts, last_failure_kind, last_failure, run_at, created_at
                      FROM jobs WHERE state = ? AND id > ? ORDER BY id LIMIT ?
                    """)) {
                ps.setString(1, state);
                ps.setLong(2, afterId);
                ps.setInt(3, limit);
                List<JobView> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(view(rs));
                }
                return out;
            }
        });
    }

    public JobView find(long id) {
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT id, type, meter_id, state, attempts, last_failure_kind, last_failure, run_at, created_at
                      FROM jobs WHERE id = ?
                    """)) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? view(rs) : null;
                }
            }
        });
    }

    /** Several jobs in one query (those that exist), for callers waiting on many at once. */
    public Map<Long, JobView> findAll(java.util.Collection<Long> ids) {
        if (ids.isEmpty()) return Map.of();
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT id, type, meter_id, state, attempts, last_failure_kind, last_failure, run_at, created_at
                      FROM jobs WHERE id = ANY (?)
                    """)) {
                ps.setArray(1, c.createArrayOf("bigint", ids.toArray()));
                Map<Long, JobView> out = new java.util.HashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        JobView v = view(rs);
                        out.put(v.id(), v);
                    }
                }
                return out;
            }
        });
    }

    private static JobView view(ResultSet rs) throws java.sql.SQLException {
        return new JobView(rs.getLong(1), JobType.valueOf(rs.getString(2)), rs.getString(3), rs.getString(4),
                rs.getInt(5), rs.getString(6), rs.getString(7), Sql.instant(rs.getTimestamp(8)), Sql.instant(rs.getTimestamp(9)));
    }

    /** Commands and on-demand reads due and waiting to run (for back-pressure). */
    public long countQueuedUrgent() {
        return Sql.tx(ds, c -> {
            // a command waiting for its meter's next session or held for a window is not urgent work waiting
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT count(*) FROM jobs WHERE state = 'QUEUED' AND priority <= 20 AND NOT joins_session AND run_at <= now()");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /** The result JSON a job recorded, or null. */
    public String resultOf(long id) {
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT result::text FROM jobs WHERE id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        });
    }

    /** Jobs by type and state, for metrics. */
    public Map<String, Map<String, Long>> counts() {
        return Sql.tx(ds, c -> {
            Map<String, Map<String, Long>> out = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT type, state, count(*) FROM jobs WHERE state <> 'SUCCEEDED' GROUP BY type, state");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.computeIfAbsent(rs.getString(1), k -> new LinkedHashMap<>()).put(rs.getString(2), rs.getLong(3));
            }
            return out;
        });
    }
}
