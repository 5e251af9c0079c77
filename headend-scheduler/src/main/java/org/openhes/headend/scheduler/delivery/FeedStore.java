package org.openhes.headend.scheduler.delivery;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.openhes.headend.scheduler.db.Sql;

/**
 * The feed: entries appended in the transaction that stores what they announce, read in commit order.
 *
 * <p>An entry's position is its transaction's id and its own id. A page shows only entries of
 * transactions older than the oldest one still running ({@code pg_snapshot_xmin}): every such
 * transaction has committed or rolled back, so no entry can appear later behind a position a reader
 * has already passed. The price is that a long write transaction holds the feed back while it runs.
 */
public final class FeedStore {
    private final DataSource ds;

    public FeedStore(DataSource ds) {
        this.ds = ds;
    }

    /** Appends an entry in the caller's transaction. */
    public static void append(Connection c, FeedKind kind, String meterId, String ref) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO feed (kind, meter_id, ref) VALUES (?, ?, ?)")) {
            ps.setString(1, kind.wireName());
            ps.setString(2, meterId);
            ps.setString(3, ref);
            ps.executeUpdate();
        }
    }

    /** The entries after {@code after} of the given kinds, oldest first, as many as {@code limit}. */
    public List<FeedEntry> page(FeedPosition after, Collection<FeedKind> kinds, int limit) {
        return Sql.tx(ds, c -> page(c, after, kinds, limit));
    }

    static List<FeedEntry> page(Connection c, FeedPosition after, Collection<FeedKind> kinds, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT txid::text, id, kind, meter_id, ref, created_at FROM feed
                 WHERE (txid, id) > (?::text::xid8, ?) AND txid < pg_snapshot_xmin(pg_current_snapshot())
                   AND kind = ANY(?) ORDER BY txid, id LIMIT ?
                """)) {
            ps.setString(1, Long.toString(after.txid()));
            ps.setLong(2, after.id());
            ps.setArray(3, c.createArrayOf("text", kinds.stream().map(FeedKind::wireName).toArray()));
            ps.setInt(4, limit);
            List<FeedEntry> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new FeedEntry(new FeedPosition(Long.parseLong(rs.getString(1)), rs.getLong(2)), FeedKind.of(rs.getString(3)),
                            rs.getString(4), rs.getString(5), rs.getTimestamp(6).toInstant()));
                }
            }
            return out;
        }
    }

    /**
     * The newest readable entry: a reader starting here sees only what comes next. Entries of
     * transactions still running are not readable yet and lie above it (their transaction ids are at
     * least the oldest running one, above every readable entry's), so they are not skipped.
     */
    public FeedPosition head() {
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT COALESCE((SELECT txid::text || '-' || id FROM feed WHERE txid < pg_snapshot_xmin(pg_current_snapshot())
                                     ORDER BY txid DESC, id DESC LIMIT 1), '0-0')
                    """); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return FeedPosition.parse(rs.getString(1));
            }
        });
    }

    /** When the oldest entry after {@code after} of these kinds was written: how far behind a reader there is. */
    public Optional<Instant> oldestPending(FeedPosition after, Collection<FeedKind> kinds) {
        List<FeedEntry> next = page(after, kinds, 1);
        return next.isEmpty() ? Optional.empty() : Optional.of(next.get(0).createdAt());
    }

    /** Deletes entries written before {@code before} (the retention), at most {@code limit}; returns how many. */
    public int sweep(Instant before, int limit) {
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    DELETE FROM feed WHERE (txid, id) IN (SELECT txid, id FROM feed WHERE created_at < ? LIMIT ?)
                    """)) {
                ps.setTimestamp(1, Sql.ts(before));
                ps.setInt(2, limit);
                return ps.executeUpdate();
            }
        });
    }
}
