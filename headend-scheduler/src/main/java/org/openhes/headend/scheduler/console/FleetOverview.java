package org.openhes.headend.scheduler.console;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.openhes.headend.scheduler.db.Sql;
import org.openhes.headend.scheduler.plans.ReadPlanner;

/** The fleet at a glance for the operations page: meters, breakers, the read run, commands, dead jobs, today's alarms. */
public final class FleetOverview {
    static final List<String> STATUSES = List.of("active", "suspended", "decommissioned");
    static final int MAX_ALARMS = 50;

    private final DataSource ds;
    private final InstantSource clock;
    private final ZoneId zone;

    public FleetOverview(DataSource ds, InstantSource clock, ZoneId zone) {
        this.ds = ds;
        this.clock = clock;
        this.zone = zone;
    }

    /** One alarm of the day: an event of type ALARM_REGISTER or PUSH. */
    public record Alarm(long eventId, String meterId, String type, Instant at, String payloadJson) {
    }

    /** Commands of the last 24 hours: how many, failed, and the latency (created_at to updated_at of SUCCEEDED ones), null when none. */
    public record Commands(long queued, long running, long lastDay, long failedLastDay, Duration p50, Duration p95) {
    }

    /** Today's (or the latest) read run: progress plus the failures of its jobs by last_failure_kind (DEAD jobs, and QUEUED ones that have failed at least once, separately). */
    public record RunFailures(Map<String, Long> deadByKind, Map<String, Long> retryingByKind) {
    }

    public record Snapshot(Map<String, Long> metersByStatus, long disconnected, long limited,
                           Optional<ReadPlanner.Progress> run, RunFailures runFailures,
                           Commands commands, long deadJobs, List<Alarm> alarmsToday) {
    }

    /**
     * Everything the operations page shows, in one read-only transaction (a handful of queries) that
     * sees one snapshot of the database; the read run's progress comes first from
     * {@link ReadPlanner#latest()}, its failures from that transaction.
     */
    public Snapshot snapshot() {
        Optional<ReadPlanner.Progress> run = new ReadPlanner(ds).latest();
        Instant now = clock.instant();
        Instant dayAgo = now.minus(Duration.ofHours(24));
        Instant startOfToday = now.atZone(zone).toLocalDate().atStartOfDay(zone).toInstant();
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")) {
                ps.execute();
            }
            long[] breakers = breakersAndLimits(c);
            RunFailures failures = run.isPresent() ? runFailures(c, run.get().id()) : new RunFailures(Map.of(), Map.of());
            return new Snapshot(metersByStatus(c), breakers[0], breakers[1], run, failures, commands(c, dayAgo),
                    deadJobs(c), alarms(c, startOfToday));
        });
    }

    /** How many meters have each status, the three statuses always present. */
    static Map<String, Long> metersByStatus(Connection c) throws SQLException {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String s : STATUSES) out.put(s, 0L);
        try (PreparedStatement ps = c.prepareStatement("SELECT status, count(*) FROM meters GROUP BY status");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    /**
     * Meters whose breaker the last successful DISCONNECT/RECONNECT left open, and meters the last
     * successful SET/CLEAR_POWER_LIMIT left limited. A DISCONNECT the guard turned into a power limit
     * (its result has {@code guard}) did not open the breaker: it counts as a SET_POWER_LIMIT.
     */
    static long[] breakersAndLimits(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                WITH breaker AS (
                    SELECT DISTINCT ON (meter_id) meter_id, type FROM commands
                     WHERE status = 'SUCCEEDED'
                       AND (type = 'RECONNECT' OR (type = 'DISCONNECT' AND result -> 'guard' IS NULL))
                     ORDER BY meter_id, updated_at DESC, created_at DESC
                ), lim AS (
                    SELECT DISTINCT ON (meter_id) meter_id, type FROM commands
                     WHERE status = 'SUCCEEDED'
                       AND (type IN ('SET_POWER_LIMIT', 'CLEAR_POWER_LIMIT') OR (type = 'DISCONNECT' AND result -> 'guard' IS NOT NULL))
                     ORDER BY meter_id, updated_at DESC, created_at DESC
                )
                SELECT (SELECT count(*) FROM breaker WHERE type = 'DISCONNECT'),
                       (SELECT count(*) FROM lim WHERE type <> 'CLEAR_POWER_LIMIT')
                """); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2)};
        }
    }

    /** The run's DEAD jobs, and its QUEUED jobs that have failed at least once, by last_failure_kind (UNKNOWN when none). */
    static RunFailures runFailures(Connection c, long runId) throws SQLException {
        Map<String, Long> dead = new LinkedHashMap<>(), retrying = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT state, coalesce(last_failure_kind, 'UNKNOWN') AS kind, count(*) FROM jobs
                 WHERE read_run_id = ? AND (state = 'DEAD' OR (state = 'QUEUED' AND attempts > 0))
                 GROUP BY state, kind ORDER BY count(*) DESC, kind
                """)) {
            ps.setLong(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) (rs.getString(1).equals("DEAD") ? dead : retrying).put(rs.getString(2), rs.getLong(3));
            }
        }
        return new RunFailures(java.util.Collections.unmodifiableMap(dead), java.util.Collections.unmodifiableMap(retrying));
    }

    /**
     * Queued (status QUEUED; HELD ones are not counted) and running commands now; commands created since
     * {@code since} and how many of those FAILED or EXPIRED; the median and 95th percentile of created_at
     * to updated_at of the commands that SUCCEEDED since then (null when none did).
     */
    static Commands commands(Connection c, Instant since) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT count(*) FILTER (WHERE status = 'QUEUED'),
                       count(*) FILTER (WHERE status = 'RUNNING'),
                       count(*) FILTER (WHERE created_at >= ?),
                       count(*) FILTER (WHERE created_at >= ? AND status IN ('FAILED', 'EXPIRED')),
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM updated_at - created_at)::float8)
                           FILTER (WHERE status = 'SUCCEEDED' AND updated_at >= ?),
                       percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM updated_at - created_at)::float8)
                           FILTER (WHERE status = 'SUCCEEDED' AND updated_at >= ?)
                  FROM commands
                 WHERE status IN ('QUEUED', 'RUNNING') OR created_at >= ? OR updated_at >= ?
                """)) {
            for (int p = 1; p <= 6; p++) ps.setTimestamp(p, Sql.ts(since));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Commands(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), seconds(rs, 5), seconds(rs, 6));
            }
        }
    }

    private static Duration seconds(ResultSet rs, int column) throws SQLException {
        double s = rs.getDouble(column);
        return rs.wasNull() ? null : Duration.of(Math.round(s * 1_000_000), ChronoUnit.MICROS);
    }

    /** Jobs of any kind that are DEAD. */
    static long deadJobs(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM jobs WHERE state = 'DEAD'");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** ALARM_REGISTER and PUSH events since {@code since}, newest first, at most {@value #MAX_ALARMS}. */
    static List<Alarm> alarms(Connection c, Instant since) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT id, meter_id, type, at, payload::text FROM events
                 WHERE type IN ('ALARM_REGISTER', 'PUSH') AND at >= ?
                 ORDER BY at DESC, id DESC LIMIT ?
                """)) {
            ps.setTimestamp(1, Sql.ts(since));
            ps.setInt(2, MAX_ALARMS);
            List<Alarm> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Alarm(rs.getLong(1), rs.getString(2), rs.getString(3), Sql.instant(rs.getTimestamp(4)), rs.getString(5)));
                }
            }
            return List.copyOf(out);
        }
    }
}
