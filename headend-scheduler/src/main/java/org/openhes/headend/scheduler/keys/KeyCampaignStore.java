package org.openhes.headend.scheduler.keys;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.openhes.headend.scheduler.db.Sql;

/**
 * Key renewal campaigns: one meter, the meters with a label (a cell, a concentrator), the whole
 * fleet, or the meters whose counter nears its end. A campaign is ordinary jobs (KEY_RENEWAL, below
 * commands, retried like the others) whose start times are spread at {@code perMinute}, so a campaign
 * never opens more renewal sessions a minute than asked. A meter with a renewal queued or running
 * already is left to that one.
 */
public final class KeyCampaignStore {
    /** What a campaign covers. */
    public record Scope(String meterId, String label, boolean fleet, List<String> meterIds) {
        public static Scope meter(String id) {
            return new Scope(id, null, false, null);
        }

        public static Scope label(String keyValue) {
            return new Scope(null, keyValue, false, null);
        }

        public static Scope wholeFleet() {
            return new Scope(null, null, true, null);
        }

        /** Chosen meters (the automatic renewal of counters near their end). */
        public static Scope meters(List<String> ids) {
            return new Scope(null, null, false, List.copyOf(ids));
        }

        String text() {
            if (meterId != null) return "meter:" + meterId;
            if (label != null) return "label:" + label;
            return fleet ? "fleet" : "headroom";
        }
    }

    public record Campaign(long id, String scope, String keys, int perMinute, int total, String caller, Instant createdAt) {
    }

    /** A campaign's jobs by state, its failures by kind, and when its last job is due to start. */
    public record Progress(Campaign campaign, int queued, int running, int succeeded, int dead, Map<String, Long> failuresByKind,
                           Instant lastStart) {
        public boolean finished() {
            return queued == 0 && running == 0;
        }
    }

    private final DataSource ds;
    private final InstantSource clock;

    public KeyCampaignStore(DataSource ds, InstantSource clock) {
        this.ds = ds;
        this.clock = clock;
    }

    /** Creates the campaign and its jobs in one transaction; {@code keys} is both, ek or ak. */
    public Campaign create(Scope scope, String keys, int perMinute, String caller) {
        Instant now = clock.instant();
        double spacing = 60.0 / perMinute;
        return Sql.tx(ds, c -> {
            long id;
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO key_campaigns (scope, keys, per_minute, total, caller, created_at) VALUES (?, ?, ?, 0, ?, ?) RETURNING id
                    """)) {
                ps.setString(1, scope.text());
                ps.setString(2, keys);
                ps.setInt(3, perMinute);
                ps.setString(4, caller);
                ps.setTimestamp(5, Sql.ts(now));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
            int total;
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO jobs (type, meter_id, priority, payload, state, run_at, max_attempts, key_campaign_id, created_at)
                    SELECT 'KEY_RENEWAL', m.id, ?, jsonb_build_object('keys', ?::text, 'campaign', ?::bigint), 'QUEUED',
                           ?::timestamptz + make_interval(secs => (row_number() OVER (ORDER BY m.id) - 1) * ?::double precision),
                           ?, ?, ?
                      FROM meters m
                     WHERE m.status = 'active' AND m.auth = 'hls-gmac'
                       AND (?::text IS NULL OR m.id = ?)
                       AND (?::text IS NULL OR m.labels @> jsonb_build_object(split_part(?, '=', 1), split_part(?, '=', 2)))
                       AND (?::text[] IS NULL OR m.id = ANY(?::text[]))
                    ON CONFLICT (meter_id) WHERE type = 'KEY_RENEWAL' AND state IN ('QUEUED', 'RUNNING') DO NOTHING
                    """)) {
                int k = 1;
                ps.setInt(k++, org.openhes.headend.scheduler.jobs.JobType.KEY_RENEWAL.priority);
                ps.setString(k++, keys);
                ps.setLong(k++, id);
                ps.setTimestamp(k++, Sql.ts(now));
                ps.setDouble(k++, spacing);
                ps.setInt(k++, org.openhes.headend.scheduler.jobs.JobType.KEY_RENEWAL.maxAttempts);
                ps.setLong(k++, id);
                ps.setTimestamp(k++, Sql.ts(now));
                ps.setString(k++, scope.meterId());
                ps.setString(k++, scope.meterId());
                ps.setString(k++, scope.label());
                ps.setString(k++, scope.label());
                ps.setString(k++, scope.label());
                java.sql.Array ids = scope.meterIds() == null ? null : c.createArrayOf("text", scope.meterIds().toArray(String[]::new));
                ps.setArray(k++, ids);
                ps.setArray(k, ids);
                total = ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE key_campaigns SET total = ? WHERE id = ?")) {
                ps.setInt(1, total);
                ps.setLong(2, id);
                ps.executeUpdate();
            }
            return new Campaign(id, scope.text(), keys, perMinute, total, caller, now);
        });
    }

    /** One campaign's progress, or empty. */
    public Optional<Progress> progress(long id) {
        return progressOf("SELECT * FROM key_campaigns WHERE id = ?", id).stream().findFirst();
    }

    /** The newest campaigns with their progress, newest first: two queries whatever their number. */
    public List<Progress> recentProgress(int limit) {
        return progressOf("SELECT * FROM key_campaigns ORDER BY id DESC LIMIT ?", limit);
    }

    /** The campaigns {@code campaigns} selects (one parameter), their jobs counted by state in the same query, then their failures by kind. */
    private List<Progress> progressOf(String campaigns, long param) {
        return Sql.tx(ds, c -> {
            List<Progress> out = new ArrayList<>();
            Map<Long, Map<String, Long>> failures = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT k.id, k.scope, k.keys, k.per_minute, k.total, k.caller, k.created_at,
                           count(j.id) FILTER (WHERE j.state = 'QUEUED'), count(j.id) FILTER (WHERE j.state = 'RUNNING'),
                           count(j.id) FILTER (WHERE j.state = 'SUCCEEDED'), count(j.id) FILTER (WHERE j.state = 'DEAD'), max(j.run_at)
                      FROM (%s) k LEFT JOIN jobs j ON j.key_campaign_id = k.id
                     GROUP BY k.id, k.scope, k.keys, k.per_minute, k.total, k.caller, k.created_at
                     ORDER BY k.id DESC
                    """.formatted(campaigns))) {
                ps.setLong(1, param);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Campaign campaign = campaign(rs);
                        failures.put(campaign.id(), new LinkedHashMap<>());
                        out.add(new Progress(campaign, rs.getInt(8), rs.getInt(9), rs.getInt(10), rs.getInt(11), failures.get(campaign.id()),
                                Sql.instant(rs.getTimestamp(12))));
                    }
                }
            }
            if (out.isEmpty()) return out;
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT key_campaign_id, COALESCE(last_failure_kind, 'UNKNOWN'), count(*) FROM jobs
                     WHERE key_campaign_id = ANY(?) AND (state = 'DEAD' OR state = 'QUEUED' AND attempts > 0)
                     GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2
                    """)) {
                ps.setArray(1, c.createArrayOf("bigint", failures.keySet().toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) failures.get(rs.getLong(1)).put(rs.getString(2), rs.getLong(3));
                }
            }
            return out;
        });
    }

    /**
     * Renewal jobs that should have ended and have not: queued more than {@code late} after their start
     * time, or dead in a campaign less than a day old. What the stuck-campaign alert counts.
     */
    public long stuckJobs(Duration late) {
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT count(*) FROM jobs WHERE type = 'KEY_RENEWAL'
                       AND (state IN ('QUEUED', 'RUNNING') AND run_at < ? OR state = 'DEAD' AND created_at > ?)
                    """)) {
                Instant now = clock.instant();
                ps.setTimestamp(1, Sql.ts(now.minus(late)));
                ps.setTimestamp(2, Sql.ts(now.minus(Duration.ofDays(1))));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    private static Campaign campaign(ResultSet rs) throws java.sql.SQLException {
        return new Campaign(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getInt(5), rs.getString(6),
                Sql.instant(rs.getTimestamp(7)));
    }
}
