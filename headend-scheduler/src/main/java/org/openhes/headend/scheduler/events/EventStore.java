package org.openhes.headend.scheduler.events;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.openhes.headend.scheduler.db.Sql;
import org.openhes.headend.scheduler.delivery.FeedKind;
import org.openhes.headend.scheduler.delivery.FeedStore;

/** Events meters push (alarms) and the audit trail of who asked for what. */
public final class EventStore {
    private final DataSource ds;

    public EventStore(DataSource ds) {
        this.ds = ds;
    }

    public record Event(long id, String meterId, String type, Instant at, String payloadJson) {
    }

    /** Stores an event and its feed entry; returns its id. */
    public long record(String meterId, String type, Instant at, String payloadJson) {
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO events (meter_id, type, at, payload) VALUES (?, ?, ?, ?::jsonb) RETURNING id")) {
                ps.setString(1, meterId);
                ps.setString(2, type);
                ps.setTimestamp(3, Sql.ts(at));
                ps.setString(4, payloadJson == null ? "{}" : payloadJson);
                long id;
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
                FeedStore.append(c, FeedKind.EVENT, meterId, Long.toString(id));
                return id;
            }
        });
    }

    /**
     * A log entry of a meter to store as an event: its log ({@code standard-event-log}, ...), its time by
     * the meter's clock, its code (or duration) and the event type and payload it is shown with.
     */
    public record LogEvent(String log, Instant at, long code, String type, String payloadJson) {
    }

    /**
     * Stores a meter's log entries in one statement, each once (a repeat stores nothing: the unique index
     * on meter, log, time and code), with a feed entry for each new one in the same statement; returns how
     * many were new.
     */
    public int recordLogEntries(String meterId, List<LogEvent> entries) {
        if (entries.isEmpty()) return 0;
        StringBuilder sql = new StringBuilder("WITH ins AS (INSERT INTO events (meter_id, type, at, payload, log, code) VALUES ");
        for (int k = 0; k < entries.size(); k++) sql.append(k == 0 ? "" : ",").append("(?, ?, ?, ?::jsonb, ?, ?)");
        sql.append("""
                 ON CONFLICT DO NOTHING RETURNING id, meter_id, at),
                feed_entries AS (INSERT INTO feed (kind, meter_id, ref) SELECT 'event', meter_id, id::text FROM ins ORDER BY at, id)
                SELECT count(*) FROM ins""");
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                int p = 1;
                for (LogEvent e : entries) {
                    ps.setString(p++, meterId);
                    ps.setString(p++, e.type());
                    ps.setTimestamp(p++, Sql.ts(e.at()));
                    ps.setString(p++, e.payloadJson());
                    ps.setString(p++, e.log());
                    ps.setLong(p++, e.code());
                }
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    /**
     * The time of the newest stored entry of each log of these meters, in one query: meter, then log
     * (meters and logs with none are absent).
     */
    public java.util.Map<String, java.util.Map<String, Instant>> lastLogEntries(List<String> meterIds) {
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT meter_id, log, max(at) FROM events
                     WHERE meter_id = ANY(?) AND log IS NOT NULL GROUP BY meter_id, log
                    """)) {
                ps.setArray(1, c.createArrayOf("text", meterIds.toArray(String[]::new)));
                java.util.Map<String, java.util.Map<String, Instant>> out = new java.util.HashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.computeIfAbsent(rs.getString(1), m -> new java.util.HashMap<>()).put(rs.getString(2), rs.getTimestamp(3).toInstant());
                    }
                }
                return out;
            }
        });
    }

    /** These events, by id (the ones that exist). */
    public List<Event> findAll(List<Long> ids) {
        if (ids.isEmpty()) return List.of();
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, meter_id, type, at, payload::text FROM events WHERE id = ANY(?) ORDER BY id")) {
                ps.setArray(1, c.createArrayOf("bigint", ids.toArray()));
                List<Event> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(event(rs));
                }
                return out;
            }
        });
    }

    /** Events after {@code since}, optionally of one meter, oldest first. */
    public List<Event> list(String meterId, Instant since, int limit) {
        return list(meterId, since, Long.MAX_VALUE, limit);
    }

    /**
     * Events after the position (at, id), optionally of one meter, in (at, id) order: a page's last
     * event is the next page's position, so events that share a time are never skipped between pages
     * (the meters' logs give many events the same time). {@code afterId} {@link Long#MAX_VALUE}: every
     * event after {@code since}.
     */
    public List<Event> list(String meterId, Instant since, long afterId, int limit) {
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT id, meter_id, type, at, payload::text FROM events
                     WHERE (?::text IS NULL OR meter_id = ?) AND (at, id) > (?, ?) ORDER BY at, id LIMIT ?
                    """)) {
                ps.setString(1, meterId);
                ps.setString(2, meterId);
                ps.setTimestamp(3, Sql.ts(since == null ? Instant.EPOCH : since));
                ps.setLong(4, afterId);
                ps.setInt(5, limit);
                List<Event> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(event(rs));
                }
                return out;
            }
        });
    }

    /** A meter's newest events first, at most {@code limit} (a timeline). */
    public List<Event> latest(String meterId, int limit) {
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT id, meter_id, type, at, payload::text FROM events WHERE meter_id = ? ORDER BY at DESC, id DESC LIMIT ?
                    """)) {
                ps.setString(1, meterId);
                ps.setInt(2, limit);
                List<Event> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(event(rs));
                }
                return out;
            }
        });
    }

    /** Who did what, for the audit trail. */
    public void audit(Instant at, String actor, String action, String target, String detail) {
        Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)")) {
                ps.setTimestamp(1, Sql.ts(at));
                ps.setString(2, actor);
                ps.setString(3, action);
                ps.setString(4, target);
                ps.setString(5, detail);
                return ps.executeUpdate();
            }
        });
    }

    private static Event event(ResultSet rs) throws java.sql.SQLException {
        return new Event(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant(), rs.getString(5));
    }
}
