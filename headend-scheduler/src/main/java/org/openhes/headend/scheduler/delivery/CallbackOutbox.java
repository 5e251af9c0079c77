package org.openhes.headend.scheduler.delivery;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.openhes.headend.scheduler.db.Sql;

/**
 * Command callbacks waiting to be delivered. A callback is stored with the command's end, in the same
 * transaction ({@link #enqueue}); any node claims it when due, and an attempt's outcome is recorded only
 * by the node that made it (the claim numbers the attempt), so a node that dies mid-delivery leaves the
 * callback to be claimed again when its claim runs out.
 */
public final class CallbackOutbox {
    private final DataSource ds;
    private final InstantSource clock;
    private final DeliverySettings settings;

    public CallbackOutbox(DataSource ds, InstantSource clock, DeliverySettings settings) {
        this.ds = ds;
        this.clock = clock;
        this.settings = settings;
    }

    /** A callback claimed for one attempt. */
    public record Due(UUID commandId, String url, int attempt) {
    }

    /** What operations watch. */
    /** A callback given up: its command, where it was to go, how often it was tried and why it failed last. */
    public record Dead(UUID commandId, String url, int attempts, String lastError, Instant createdAt) {
    }

    public record Counts(long pending, long dead) {
    }

    /**
     * In the caller's transaction: the command's callback is due now, if it has a callback URL (a
     * command finishing again after an operator re-queued it is called back again).
     */
    public static void enqueue(Connection c, UUID commandId, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO command_callbacks (command_id, url, state, attempts, next_attempt_at, created_at)
                SELECT id, callback_url, 'PENDING', 0, ?, ? FROM commands WHERE id = ? AND callback_url IS NOT NULL
                ON CONFLICT (command_id) DO UPDATE SET state = 'PENDING', attempts = 0, next_attempt_at = EXCLUDED.next_attempt_at,
                                                       last_error = NULL, delivered_at = NULL
                """)) {
            ps.setTimestamp(1, Sql.ts(now));
            ps.setTimestamp(2, Sql.ts(now));
            ps.setObject(3, commandId);
            ps.executeUpdate();
        }
    }

    /** Claims up to {@code limit} due callbacks for one attempt each, held for {@code claim}. */
    public List<Due> claimDue(int limit, Duration claim) {
        Instant now = clock.instant();
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE command_callbacks SET attempts = attempts + 1, next_attempt_at = ?
                     WHERE command_id IN (SELECT command_id FROM command_callbacks WHERE state = 'PENDING' AND next_attempt_at <= ?
                                           ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED)
                    RETURNING command_id, url, attempts
                    """)) {
                ps.setTimestamp(1, Sql.ts(now.plus(claim)));
                ps.setTimestamp(2, Sql.ts(now));
                ps.setInt(3, limit);
                List<Due> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(new Due(rs.getObject(1, UUID.class), rs.getString(2), rs.getInt(3)));
                }
                return out;
            }
        });
    }

    /** The attempt was answered 2xx; false when another node's later attempt owns the callback now. */
    public boolean delivered(Due due) {
        Instant now = clock.instant();
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE command_callbacks SET state = 'DELIVERED', delivered_at = ?, last_error = NULL
                     WHERE command_id = ? AND attempts = ? AND state = 'PENDING'
                    """)) {
                ps.setTimestamp(1, Sql.ts(now));
                ps.setObject(2, due.commandId());
                ps.setInt(3, due.attempt());
                return ps.executeUpdate() == 1;
            }
        });
    }

    /**
     * The attempt failed: tried again after a backoff (base × 2^(attempt-1), capped), or dead when the
     * receiver refused it for good or the attempts are spent. Returns true when the callback is now dead.
     */
    public boolean failed(Due due, String error, boolean permanent) {
        Instant now = clock.instant();
        boolean dead = permanent || due.attempt() >= settings.callbackMaxAttempts();
        Instant next = now.plus(settings.backoff(due.attempt()));
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE command_callbacks SET state = ?, next_attempt_at = ?, last_error = ?
                     WHERE command_id = ? AND attempts = ? AND state = 'PENDING'
                    """)) {
                ps.setString(1, dead ? "DEAD" : "PENDING");
                ps.setTimestamp(2, Sql.ts(next));
                ps.setString(3, error);
                ps.setObject(4, due.commandId());
                ps.setInt(5, due.attempt());
                return ps.executeUpdate() == 1 && dead;
            }
        });
    }

    /** The dead callbacks, oldest first, at most {@code limit}. */
    public List<Dead> dead(int limit) {
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT command_id, url, attempts, last_error, created_at FROM command_callbacks
                     WHERE state = 'DEAD' ORDER BY created_at, command_id LIMIT ?
                    """)) {
                ps.setInt(1, limit);
                List<Dead> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Dead(rs.getObject(1, UUID.class), rs.getString(2), rs.getInt(3), rs.getString(4),
                                rs.getTimestamp(5).toInstant()));
                    }
                }
                return out;
            }
        });
    }

    /** Every dead callback delivered again from now, its attempts counted anew (the receiver was fixed). Returns how many. */
    public int requeueDead() {
        Instant now = clock.instant();
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE command_callbacks SET state = 'PENDING', attempts = 0, next_attempt_at = ? WHERE state = 'DEAD'
                    """)) {
                ps.setTimestamp(1, Sql.ts(now));
                return ps.executeUpdate();
            }
        });
    }

    public Counts counts() {
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT count(*) FILTER (WHERE state = 'PENDING'), count(*) FILTER (WHERE state = 'DEAD')
                      FROM command_callbacks WHERE state <> 'DELIVERED'
                    """); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Counts(rs.getLong(1), rs.getLong(2));
            }
        });
    }

    /** Deletes delivered callbacks older than {@code before}, at most {@code limit}. */
    public int sweep(Instant before, int limit) {
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    DELETE FROM command_callbacks WHERE command_id IN
                      (SELECT command_id FROM command_callbacks WHERE state = 'DELIVERED' AND delivered_at < ? LIMIT ?)
                    """)) {
                ps.setTimestamp(1, Sql.ts(before));
                ps.setInt(2, limit);
                return ps.executeUpdate();
            }
        });
    }
}
