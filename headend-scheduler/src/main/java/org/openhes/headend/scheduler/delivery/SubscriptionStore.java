package org.openhes.headend.scheduler.delivery;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.openhes.headend.scheduler.db.Sql;

/**
 * Subscriptions and their cursors. A node holds a subscription while its batch is in flight (a lease);
 * the cursor moves only when that node reports the batch acknowledged and nobody moved the cursor
 * meanwhile, so a batch is delivered at least once and the cursor never skips one.
 */
public final class SubscriptionStore {
    private static final String COLUMNS = "id, url, kinds, batch_size, caller, state, cursor_txid::text, cursor_id, failures, failing_since, "
            + "last_error, next_attempt_at, delivered_items, delivered_at, created_at";

    private final DataSource ds;
    private final InstantSource clock;
    private final DeliverySettings settings;

    public SubscriptionStore(DataSource ds, InstantSource clock, DeliverySettings settings) {
        this.ds = ds;
        this.clock = clock;
        this.settings = settings;
    }

    public Subscription create(String url, List<FeedKind> kinds, int batchSize, String caller, FeedPosition from) {
        Instant now = clock.instant();
        UUID id = UUID.randomUUID();
        Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO subscriptions (id, url, kinds, batch_size, caller, state, cursor_txid, cursor_id, next_attempt_at, created_at)
                    VALUES (?, ?, ?, ?, ?, 'ACTIVE', ?::text::xid8, ?, ?, ?)
                    """)) {
                ps.setObject(1, id);
                ps.setString(2, url);
                ps.setArray(3, c.createArrayOf("text", kinds.stream().map(FeedKind::wireName).toArray()));
                ps.setInt(4, batchSize);
                ps.setString(5, caller);
                ps.setString(6, Long.toString(from.txid()));
                ps.setLong(7, from.id());
                ps.setTimestamp(8, Sql.ts(now));
                ps.setTimestamp(9, Sql.ts(now));
                return ps.executeUpdate();
            }
        });
        return find(id).orElseThrow();
    }

    public Optional<Subscription> find(UUID id) {
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM subscriptions WHERE id = ?")) {
                ps.setObject(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(subscription(rs)) : Optional.<Subscription>empty();
                }
            }
        });
    }

    public List<Subscription> list() {
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM subscriptions ORDER BY created_at, id");
                 ResultSet rs = ps.executeQuery()) {
                List<Subscription> out = new ArrayList<>();
                while (rs.next()) out.add(subscription(rs));
                return out;
            }
        });
    }

    public boolean delete(UUID id) {
        return update("DELETE FROM subscriptions WHERE id = ?", ps -> ps.setObject(1, id)) == 1;
    }

    /** Moves the cursor (a replay from an earlier place, or a skip ahead); a batch in flight then does not move it. */
    public boolean moveCursor(UUID id, FeedPosition to) {
        Instant now = clock.instant();
        return update("""
                UPDATE subscriptions SET cursor_txid = ?::text::xid8, cursor_id = ?, next_attempt_at = ? WHERE id = ?
                """, ps -> {
            ps.setString(1, Long.toString(to.txid()));
            ps.setLong(2, to.id());
            ps.setTimestamp(3, Sql.ts(now));
            ps.setObject(4, id);
        }) == 1;
    }

    /** A dead (or failing) subscription delivered again from its cursor, now. */
    public boolean resume(UUID id) {
        Instant now = clock.instant();
        return update("""
                UPDATE subscriptions SET state = 'ACTIVE', failures = 0, failing_since = NULL, next_attempt_at = ? WHERE id = ?
                """, ps -> {
            ps.setTimestamp(1, Sql.ts(now));
            ps.setObject(2, id);
        }) == 1;
    }

    /** Claims due active subscriptions for {@code owner} for {@code lease}. */
    public List<Subscription> claimDue(String owner, Duration lease, int limit) {
        Instant now = clock.instant();
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE subscriptions SET lease_owner = ?, lease_expires_at = ? WHERE id IN "
                    + "(SELECT id FROM subscriptions WHERE state = 'ACTIVE' AND next_attempt_at <= ? "
                    + "AND (lease_expires_at IS NULL OR lease_expires_at < ?) ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED) "
                    + "RETURNING " + COLUMNS)) {
                ps.setString(1, owner);
                ps.setTimestamp(2, Sql.ts(now.plus(lease)));
                ps.setTimestamp(3, Sql.ts(now));
                ps.setTimestamp(4, Sql.ts(now));
                ps.setInt(5, limit);
                List<Subscription> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(subscription(rs));
                }
                return out;
            }
        });
    }

    /**
     * The batch from {@code s.cursor()} to {@code to} was acknowledged: the cursor moves there, if
     * {@code owner} still holds the subscription and its cursor is where the batch started.
     */
    public boolean advance(Subscription s, String owner, FeedPosition to, int items) {
        Instant now = clock.instant();
        return update("""
                UPDATE subscriptions SET cursor_txid = ?::text::xid8, cursor_id = ?, failures = 0, failing_since = NULL, last_error = NULL,
                                         delivered_items = delivered_items + ?, delivered_at = ?, lease_owner = NULL, lease_expires_at = NULL
                 WHERE id = ? AND lease_owner = ? AND cursor_txid = ?::text::xid8 AND cursor_id = ?
                """, ps -> {
            ps.setString(1, Long.toString(to.txid()));
            ps.setLong(2, to.id());
            ps.setInt(3, items);
            ps.setTimestamp(4, Sql.ts(now));
            ps.setObject(5, s.id());
            ps.setString(6, owner);
            ps.setString(7, Long.toString(s.cursor().txid()));
            ps.setLong(8, s.cursor().id());
        }) == 1;
    }

    /** Nothing to deliver: the subscription is released, to be looked at again after {@code idle}. */
    public void release(Subscription s, String owner, Duration idle) {
        Instant now = clock.instant();
        update("UPDATE subscriptions SET lease_owner = NULL, lease_expires_at = NULL, next_attempt_at = ? WHERE id = ? AND lease_owner = ?", ps -> {
            ps.setTimestamp(1, Sql.ts(now.plus(idle)));
            ps.setObject(2, s.id());
            ps.setString(3, owner);
        });
    }

    /**
     * The batch was not acknowledged: tried again after a backoff; dead when refused for good or failing
     * for longer than the settings allow. Returns true when the subscription is now dead.
     */
    public boolean failed(Subscription s, String owner, String error, boolean permanent) {
        Instant now = clock.instant();
        Instant failingSince = s.failingSince() == null ? now : s.failingSince();
        boolean dead = permanent || Duration.between(failingSince, now).compareTo(settings.subscriptionDeadAfter()) >= 0;
        int failures = s.failures() + 1;
        return update("""
                UPDATE subscriptions SET state = ?, failures = ?, failing_since = ?, last_error = ?, next_attempt_at = ?,
                                         lease_owner = NULL, lease_expires_at = NULL
                 WHERE id = ? AND lease_owner = ?
                """, ps -> {
            ps.setString(1, dead ? "DEAD" : "ACTIVE");
            ps.setInt(2, failures);
            ps.setTimestamp(3, Sql.ts(failingSince));
            ps.setString(4, error);
            ps.setTimestamp(5, Sql.ts(now.plus(settings.backoff(failures))));
            ps.setObject(6, s.id());
            ps.setString(7, owner);
        }) == 1 && dead;
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private int update(String sql, Binder binder) {
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                binder.bind(ps);
                return ps.executeUpdate();
            }
        });
    }

    private static Subscription subscription(ResultSet rs) throws SQLException {
        String[] kinds = (String[]) rs.getArray(3).getArray();
        return new Subscription(rs.getObject(1, UUID.class), rs.getString(2), Arrays.stream(kinds).map(FeedKind::of).toList(), rs.getInt(4),
                rs.getString(5), Subscription.State.valueOf(rs.getString(6)), new FeedPosition(Long.parseLong(rs.getString(7)), rs.getLong(8)),
                rs.getInt(9), instant(rs, 10), rs.getString(11), instant(rs, 12), rs.getLong(13), instant(rs, 14), instant(rs, 15));
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        java.sql.Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

}
