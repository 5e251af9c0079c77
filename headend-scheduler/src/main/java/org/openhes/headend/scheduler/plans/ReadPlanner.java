package org.openhes.headend.scheduler.plans;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;
import javax.sql.DataSource;
import org.openhes.headend.scheduler.db.Sql;

/**
 * Daily read runs: one run per date, enqueuing the daily read of every active meter in one
 * {@code INSERT ... SELECT}, each meter's start spread deterministically over the window.
 */
public final class ReadPlanner {
    private final DataSource ds;

    public ReadPlanner(DataSource ds) {
        this.ds = ds;
    }

    public record ReadRun(long id, LocalDate date, int total, boolean created) {
    }

    public record Progress(long id, LocalDate date, int total, int succeeded, int failed, int pending) {
        public double successRatio() {
            return total == 0 ? 1.0 : (double) succeeded / total;
        }
    }

    /** Creates the run of {@code date} (or returns the existing one): reads spread over [startAt, startAt + window). */
    public ReadRun createRun(LocalDate date, Instant startAt, Duration window) {
        long windowSeconds = Math.max(1, window.toSeconds());
        return Sql.tx(ds, c -> {
            long runId;
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO read_runs (run_date, total) VALUES (?, 0) ON CONFLICT (run_date) DO NOTHING RETURNING id
                    """)) {
                ps.setObject(1, date);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        ReadRun existing = find(c, date);
                        return new ReadRun(existing.id(), date, existing.total(), false);
                    }
                    runId = rs.getLong(1);
                }
            }
            int total;
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO jobs (type, meter_id, priority, payload, state, run_at, deadline, max_attempts, read_run_id, created_at)
                    SELECT 'DAILY_READ', m.id, 100, jsonb_build_object('date', ?::text), 'QUEUED',
                           ?::timestamptz + make_interval(secs => (abs(hashtext(m.id)::bigint) % ?)),
                           ?::timestamptz, 5, ?, ?::timestamptz
                      FROM meters m WHERE m.status = 'active'
                    """)) {
                ps.setString(1, date.toString());
                ps.setTimestamp(2, Sql.ts(startAt));
                ps.setLong(3, windowSeconds);
                ps.setTimestamp(4, Sql.ts(startAt.plus(Duration.ofHours(23))));
                ps.setLong(5, runId);
                ps.setTimestamp(6, Sql.ts(startAt));
                total = ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE read_runs SET total = ? WHERE id = ?")) {
                ps.setInt(1, total);
                ps.setLong(2, runId);
                ps.executeUpdate();
            }
            return new ReadRun(runId, date, total, true);
        });
    }

    private static ReadRun find(java.sql.Connection c, LocalDate date) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, total FROM read_runs WHERE run_date = ?")) {
            ps.setObject(1, date);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new ReadRun(rs.getLong(1), date, rs.getInt(2), false);
            }
        }
    }

    public Optional<Progress> progress(long runId) {
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT r.id, r.run_date, r.total,
                           count(*) FILTER (WHERE j.state = 'SUCCEEDED'), count(*) FILTER (WHERE j.state = 'DEAD')
                      FROM read_runs r LEFT JOIN jobs j ON j.read_run_id = r.id
                     WHERE r.id = ? GROUP BY r.id
                    """)) {
                ps.setLong(1, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return Optional.<Progress>empty();
                    int total = rs.getInt(3), ok = rs.getInt(4), dead = rs.getInt(5);
                    return Optional.of(new Progress(rs.getLong(1), rs.getObject(2, LocalDate.class), total, ok, dead, total - ok - dead));
                }
            }
        });
    }

    /** The newest run, if any. */
    public Optional<Progress> latest() {
        Long id = Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM read_runs ORDER BY run_date DESC LIMIT 1");
                 ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        });
        return id == null ? Optional.empty() : progress(id);
    }

    /**
     * The next moment the local wall-clock time {@code at} occurs after {@code now} in {@code zone}.
     * On a spring-forward day a time inside the gap moves forward by the gap (02:30 → 03:30); on a
     * fall-back day the first of the two occurrences is used.
     */
    public static Instant nextPlanTime(LocalTime at, ZoneId zone, Instant now) {
        LocalDate day = now.atZone(zone).toLocalDate();
        for (int k = 0; k < 3; k++) {
            Instant candidate = ZonedDateTime.of(day.plusDays(k), at, zone).withEarlierOffsetAtOverlap().toInstant();
            if (candidate.isAfter(now)) return candidate;
        }
        throw new IllegalStateException("no plan time found after " + now);
    }
}
