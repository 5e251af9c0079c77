package org.openhes.headend.scheduler.reads;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.openhes.headend.scheduler.db.Sql;

/**
 * Load profile intervals, stored idempotently (primary key meter + interval end: a repeat stores nothing
 * twice) in monthly partitions created on demand, written as multi-row INSERT ... ON CONFLICT DO NOTHING,
 * each meter's new intervals announced by one {@code intervals} feed entry in the same transaction.
 */
public final class IntervalStore {
    private static final int ROWS_PER_STATEMENT = 1000;

    private final DataSource ds;
    private final InstantSource clock;
    private final MonthlyPartitions partitions;

    public IntervalStore(DataSource ds, InstantSource clock) {
        this.ds = ds;
        this.clock = clock;
        this.partitions = new MonthlyPartitions(ds, "load_intervals", "interval_end");
    }

    /** Stores intervals; returns how many were new. */
    public int store(List<StoredInterval> intervals) {
        if (intervals.isEmpty()) return 0;
        partitions.ensure(intervals.stream().map(StoredInterval::end).toList());
        Instant received = clock.instant();
        return Sql.tx(ds, c -> {
            int stored = 0;
            for (int from = 0; from < intervals.size(); from += ROWS_PER_STATEMENT) {
                List<StoredInterval> part = intervals.subList(from, Math.min(intervals.size(), from + ROWS_PER_STATEMENT));
                StringBuilder sql = new StringBuilder(
                        "WITH ins AS (INSERT INTO load_intervals (meter_id, interval_end, status, import_wh, export_wh, received_at) VALUES ");
                for (int k = 0; k < part.size(); k++) sql.append(k == 0 ? "" : ",").append("(?,?,?,?,?,?)");
                sql.append(FEED_NEW_INTERVALS);
                try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                    int p = 1;
                    for (StoredInterval i : part) {
                        ps.setString(p++, i.meterId());
                        ps.setTimestamp(p++, Sql.ts(i.end()));
                        ps.setShort(p++, (short) i.status());
                        setWh(ps, p++, i.importWh());
                        setWh(ps, p++, i.exportWh());
                        ps.setTimestamp(p++, Sql.ts(received));
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        stored += rs.getInt(1);
                    }
                }
            }
            return stored;
        });
    }

    /**
     * The same as {@link #store}, through COPY: the rows go into a temporary staging table (one per
     * connection, emptied at commit) in PostgreSQL's text format, then one INSERT ... SELECT ... ON
     * CONFLICT DO NOTHING moves the new ones and writes their feed entries. Measured against
     * {@link #store} by the {@code load-profile} benchmark.
     */
    public int storeByCopy(List<StoredInterval> intervals) {
        if (intervals.isEmpty()) return 0;
        partitions.ensure(intervals.stream().map(StoredInterval::end).toList());
        Instant received = clock.instant();
        StringBuilder text = new StringBuilder(intervals.size() * 64);
        for (StoredInterval i : intervals) {
            text.append(copyText(i.meterId())).append('\t').append(i.end().getEpochSecond()).append('\t').append(i.status()).append('\t')
                    .append(i.importWh() == null ? "\\N" : i.importWh().toPlainString()).append('\t')
                    .append(i.exportWh() == null ? "\\N" : i.exportWh().toPlainString()).append('\n');
        }
        return Sql.tx(ds, c -> {
            try (var st = c.createStatement()) {
                st.execute("""
                        CREATE TEMP TABLE IF NOT EXISTS interval_stage (meter_id text, end_epoch bigint, status smallint,
                            import_wh numeric(20, 3), export_wh numeric(20, 3)) ON COMMIT DELETE ROWS""");
            }
            try {
                c.unwrap(org.postgresql.PGConnection.class).getCopyAPI()
                        .copyIn("COPY interval_stage FROM STDIN", new java.io.StringReader(text.toString()));
            } catch (java.io.IOException e) {
                throw new java.sql.SQLException("COPY of " + intervals.size() + " intervals failed: " + e.getMessage(), e);
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    WITH ins AS (INSERT INTO load_intervals (meter_id, interval_end, status, import_wh, export_wh, received_at)
                        SELECT meter_id, to_timestamp(end_epoch), status, import_wh, export_wh, ? FROM interval_stage""" + FEED_NEW_INTERVALS)) {
                ps.setTimestamp(1, Sql.ts(received));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    /**
     * The end of the statement: the new intervals (a repeat inserts none), and one feed entry per meter
     * with new intervals in the same transaction, its ref the first and last new interval end in epoch
     * seconds ({@link #feedRange}).
     */
    private static final String FEED_NEW_INTERVALS = """
             ON CONFLICT DO NOTHING RETURNING meter_id, interval_end),
            feed_entries AS (INSERT INTO feed (kind, meter_id, ref)
                SELECT 'intervals', meter_id, extract(epoch FROM first_end)::bigint || '/' || extract(epoch FROM last_end)::bigint
                  FROM (SELECT meter_id, min(interval_end) AS first_end, max(interval_end) AS last_end FROM ins GROUP BY meter_id) AS m
                 ORDER BY last_end, meter_id)
            SELECT count(*) FROM ins""";

    /** The meter's intervals an {@code intervals} feed entry's ref ({@code <first>/<last>} epoch seconds) names. */
    public static Range feedRange(String meterId, String ref) {
        int slash = ref.indexOf('/');
        return new Range(meterId, Instant.ofEpochSecond(Long.parseLong(ref.substring(0, slash))),
                Instant.ofEpochSecond(Long.parseLong(ref.substring(slash + 1))));
    }

    /** A value in COPY's text format: backslash, tab, newline and carriage return escaped. */
    private static String copyText(String v) {
        return v.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
    }

    private static void setWh(PreparedStatement ps, int p, BigDecimal wh) throws SQLException {
        if (wh == null) ps.setNull(p, Types.NUMERIC);
        else ps.setBigDecimal(p, wh);
    }

    /**
     * The end of the newest stored interval of each meter, not looking before {@code since} (the catch-up
     * bound); meters without one in that window are absent. One index look-up per meter.
     */
    public Map<String, Instant> lastEnds(List<String> meterIds, Instant since) {
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT m.id, (SELECT max(interval_end) FROM load_intervals
                                   WHERE meter_id = m.id AND interval_end >= ?) FROM unnest(?::text[]) AS m (id)
                    """)) {
                ps.setTimestamp(1, Sql.ts(since));
                ps.setArray(2, c.createArrayOf("text", meterIds.toArray(String[]::new)));
                Map<String, Instant> out = new HashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) if (rs.getTimestamp(2) != null) out.put(rs.getString(1), rs.getTimestamp(2).toInstant());
                }
                return out;
            }
        });
    }

    /** A meter's intervals ending in [from, to], oldest first. */
    public List<StoredInterval> forMeter(String meterId, Instant from, Instant to) {
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT meter_id, interval_end, status, import_wh, export_wh FROM load_intervals
                     WHERE meter_id = ? AND interval_end >= ? AND interval_end <= ? ORDER BY interval_end
                    """)) {
                ps.setString(1, meterId);
                ps.setTimestamp(2, Sql.ts(from));
                ps.setTimestamp(3, Sql.ts(to));
                List<StoredInterval> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(interval(rs));
                }
                return out;
            }
        });
    }

    /** The meter's newest interval ending before {@code t} (the base of the first consumption of a range), or null. */
    public StoredInterval before(String meterId, Instant t) {
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT meter_id, interval_end, status, import_wh, export_wh FROM load_intervals
                     WHERE meter_id = ? AND interval_end < ? ORDER BY interval_end DESC LIMIT 1
                    """)) {
                ps.setString(1, meterId);
                ps.setTimestamp(2, Sql.ts(t));
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? interval(rs) : null;
                }
            }
        });
    }

    /** A meter's intervals ending in [first, last], as a feed entry names them. */
    public record Range(String meterId, Instant first, Instant last) {
    }

    /** The intervals of a range and the one stored before it (the base of the first consumption; null when none). */
    public record RangeIntervals(StoredInterval previous, List<StoredInterval> intervals) {
    }

    /**
     * The intervals of every range with the interval before each, in one query (a delivery batch's
     * {@code intervals} entries): answers in the order of {@code ranges}.
     */
    public List<RangeIntervals> ranges(List<Range> ranges) {
        if (ranges.isEmpty()) return List.of();
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT r.k, i.meter_id, i.interval_end, i.status, i.import_wh, i.export_wh, i.interval_end < r.first_end
                      FROM unnest(?::text[], ?::timestamptz[], ?::timestamptz[]) WITH ORDINALITY AS r (meter_id, first_end, last_end, k)
                      CROSS JOIN LATERAL (
                          (SELECT * FROM load_intervals p WHERE p.meter_id = r.meter_id AND p.interval_end < r.first_end
                            ORDER BY p.interval_end DESC LIMIT 1)
                          UNION ALL
                          (SELECT * FROM load_intervals w WHERE w.meter_id = r.meter_id
                              AND w.interval_end >= r.first_end AND w.interval_end <= r.last_end)) AS i
                     ORDER BY r.k, i.interval_end
                    """)) {
                ps.setArray(1, c.createArrayOf("text", ranges.stream().map(Range::meterId).toArray()));
                ps.setArray(2, c.createArrayOf("timestamptz", ranges.stream().map(r -> Sql.ts(r.first())).toArray()));
                ps.setArray(3, c.createArrayOf("timestamptz", ranges.stream().map(r -> Sql.ts(r.last())).toArray()));
                List<StoredInterval[]> previous = new ArrayList<>();
                List<List<StoredInterval>> found = new ArrayList<>();
                for (int k = 0; k < ranges.size(); k++) {
                    previous.add(new StoredInterval[1]);
                    found.add(new ArrayList<>());
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        int k = rs.getInt(1) - 1;
                        StoredInterval i = new StoredInterval(rs.getString(2), rs.getTimestamp(3).toInstant(), rs.getShort(4),
                                wh(rs.getBigDecimal(5)), wh(rs.getBigDecimal(6)));
                        if (rs.getBoolean(7)) previous.get(k)[0] = i;
                        else found.get(k).add(i);
                    }
                }
                List<RangeIntervals> out = new ArrayList<>(ranges.size());
                for (int k = 0; k < ranges.size(); k++) out.add(new RangeIntervals(previous.get(k)[0], found.get(k)));
                return out;
            }
        });
    }

    /** Streams the fleet's intervals ending in (from, to], ordered by meter then end, with a server-side cursor. */
    public void stream(Instant from, Instant to, Consumer<StoredInterval> sink) {
        Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT meter_id, interval_end, status, import_wh, export_wh FROM load_intervals
                     WHERE interval_end > ? AND interval_end <= ? ORDER BY meter_id, interval_end
                    """)) {
                ps.setFetchSize(5000);
                ps.setTimestamp(1, Sql.ts(from));
                ps.setTimestamp(2, Sql.ts(to));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) sink.accept(interval(rs));
                }
            }
            return null;
        });
    }

    /** Bytes on disk of the table and its partitions (heap, indexes, TOAST), and its rows. */
    public long[] sizeAndRows() {
        return Sql.tx(ds, c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("""
                    SELECT coalesce(sum(pg_total_relation_size(i.inhrelid)), 0), (SELECT count(*) FROM load_intervals)
                      FROM pg_inherits i WHERE i.inhparent = 'load_intervals'::regclass
                    """)) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2)};
            }
        });
    }

    private static StoredInterval interval(ResultSet rs) throws SQLException {
        return new StoredInterval(rs.getString(1), rs.getTimestamp(2).toInstant(), rs.getShort(3), wh(rs.getBigDecimal(4)), wh(rs.getBigDecimal(5)));
    }

    private static BigDecimal wh(BigDecimal v) {
        if (v == null) return null;
        v = v.stripTrailingZeros();
        return v.scale() < 0 ? v.setScale(0) : v;
    }
}
