package org.openhes.headend.scheduler.counters;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.OptionalLong;
import javax.sql.DataSource;
import org.openhes.headend.scheduler.db.Sql;

/**
 * Invocation counters per (meter, client SAP), safe across nodes and crashes: values are handed out
 * in blocks reserved by one atomic {@code INSERT ... ON CONFLICT DO UPDATE ... RETURNING}, committed
 * before any of them is used. A crash loses the rest of a block (skipped, never reused).
 */
public final class InvocationCounters {
    /** Counters are 32-bit: beyond this the meter's keys must be renewed. */
    public static final long LIMIT = 0xFFFF_FFFFL;

    private final DataSource ds;

    public InvocationCounters(DataSource ds) {
        this.ds = ds;
    }

    /** Reserves [first, first + block) and returns first. */
    public long reserve(String meterId, int clientSap, int block) {
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO invocation_counters AS ic (meter_id, client_sap, next_value) VALUES (?, ?, 1 + ?)
                    ON CONFLICT (meter_id, client_sap) DO UPDATE SET next_value = ic.next_value + ?, updated_at = now()
                    RETURNING next_value - ?
                    """)) {
                ps.setString(1, meterId);
                ps.setInt(2, clientSap);
                ps.setInt(3, block);
                ps.setInt(4, block);
                ps.setInt(5, block);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /** One reservation of a batch. */
    public record Request(String meterId, int clientSap, int block) {
    }

    /**
     * Reserves blocks for many (meter, client) pairs in one statement; returns the first value of each,
     * in request order. The pairs must be distinct.
     */
    public long[] reserveAll(java.util.List<Request> requests) {
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO invocation_counters AS ic (meter_id, client_sap, next_value)
                    SELECT m, s, 1 + b FROM unnest(?::text[], ?::int[], ?::int[]) AS x(m, s, b)
                    ON CONFLICT (meter_id, client_sap) DO UPDATE SET next_value = ic.next_value + excluded.next_value - 1,
                        updated_at = now()
                    RETURNING meter_id, client_sap, next_value
                    """)) {
                int n = requests.size();
                String[] m = new String[n];
                Integer[] sap = new Integer[n], block = new Integer[n];
                java.util.Map<String, Integer> position = new java.util.HashMap<>();
                for (int k = 0; k < n; k++) {
                    Request r = requests.get(k);
                    m[k] = r.meterId();
                    sap[k] = r.clientSap();
                    block[k] = r.block();
                    if (position.put(r.meterId() + "/" + r.clientSap(), k) != null) {
                        throw new IllegalArgumentException("reserveAll needs distinct pairs: " + r.meterId() + "/" + r.clientSap() + " twice");
                    }
                }
                ps.setArray(1, c.createArrayOf("text", m));
                ps.setArray(2, c.createArrayOf("integer", sap));
                ps.setArray(3, c.createArrayOf("integer", block));
                long[] first = new long[n];
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        int k = position.get(rs.getString(1) + "/" + rs.getInt(2));
                        first[k] = rs.getLong(3) - block[k];
                    }
                }
                return first;
            }
        });
    }

    /** The meter has seen {@code seen}: the next reservation starts above it. Never lowers. */
    public void advancePast(String meterId, int clientSap, long seen) {
        Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO invocation_counters AS ic (meter_id, client_sap, next_value) VALUES (?, ?, ?)
                    ON CONFLICT (meter_id, client_sap) DO UPDATE SET next_value = GREATEST(ic.next_value, excluded.next_value),
                        updated_at = now()
                    """)) {
                ps.setString(1, meterId);
                ps.setInt(2, clientSap);
                ps.setLong(3, seen + 1);
                return ps.executeUpdate();
            }
        });
    }

    /** The fewest counter values any meter has left, or empty when no counter is in use. */
    public OptionalLong lowestHeadroom() {
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT ? - max(next_value) FROM invocation_counters")) {
                ps.setLong(1, LIMIT);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    long v = rs.getLong(1);
                    return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(v);
                }
            }
        });
    }
}
