package org.openhes.headend.scheduler.counters;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.OptionalLong;
import javax.sql.DataSource;
import org.openhes.headend.scheduler.db.Sql;

/**
 * Invocation counters per (meter, client SAP, key version), safe across nodes and crashes: values are
 * handed out in blocks reserved by one atomic {@code INSERT ... ON CONFLICT DO UPDATE ... RETURNING},
 * committed before any of them is used. A crash loses the rest of a block (skipped, never reused).
 * The counter follows the key: a request names the key version it is for, or none for the meter's
 * active version (looked up in the same statement), so a renewed key starts a counter of its own and
 * no (key, counter) pair is used twice.
 */
public final class InvocationCounters {
    /** Counters are 32-bit: beyond this the meter's keys must be renewed. */
    public static final long LIMIT = 0xFFFF_FFFFL;

    private final DataSource ds;

    public InvocationCounters(DataSource ds) {
        this.ds = ds;
    }

    /** The key version a statement's row belongs to: the one named, else the meter's newest active one (0 without keys). */
    private static final String VERSION = "COALESCE(%s, (SELECT max(version) FROM meter_keys k WHERE k.meter_id = %s AND k.state = 'active'), 0)";

    /** Reserves [first, first + block) of the active key's counter and returns first. */
    public long reserve(String meterId, int clientSap, int block) {
        return reserveAll(java.util.List.of(new Request(meterId, clientSap, block)))[0];
    }

    /** One reservation of a batch; {@code keyVersion} null for the meter's active keys. */
    public record Request(String meterId, int clientSap, int block, Integer keyVersion) {
        public Request(String meterId, int clientSap, int block) {
            this(meterId, clientSap, block, null);
        }
    }

    /**
     * Reserves blocks for many (meter, client) pairs in one statement; returns the first value of each,
     * in request order. The pairs must be distinct.
     */
    public long[] reserveAll(java.util.List<Request> requests) {
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO invocation_counters AS ic (meter_id, client_sap, key_version, next_value)
                    SELECT m, s, %s, 1 + b FROM unnest(?::text[], ?::int[], ?::int[], ?::int[]) AS x(m, s, b, v)
                    ON CONFLICT (meter_id, client_sap, key_version) DO UPDATE SET next_value = ic.next_value + excluded.next_value - 1,
                        updated_at = now()
                    RETURNING meter_id, client_sap, next_value
                    """.formatted(VERSION.formatted("x.v", "x.m")))) {
                int n = requests.size();
                String[] m = new String[n];
                Integer[] sap = new Integer[n], block = new Integer[n], version = new Integer[n];
                java.util.Map<String, Integer> position = new java.util.HashMap<>();
                for (int k = 0; k < n; k++) {
                    Request r = requests.get(k);
                    m[k] = r.meterId();
                    sap[k] = r.clientSap();
                    block[k] = r.block();
                    version[k] = r.keyVersion();
                    if (position.put(r.meterId() + "/" + r.clientSap(), k) != null) {
                        throw new IllegalArgumentException("reserveAll needs distinct pairs: " + r.meterId() + "/" + r.clientSap() + " twice");
                    }
                }
                ps.setArray(1, c.createArrayOf("text", m));
                ps.setArray(2, c.createArrayOf("integer", sap));
                ps.setArray(3, c.createArrayOf("integer", block));
                ps.setArray(4, c.createArrayOf("integer", version));
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

    /** The meter has seen {@code seen} under its active keys: the next reservation starts above it. Never lowers. */
    public void advancePast(String meterId, int clientSap, long seen) {
        advancePast(meterId, clientSap, null, seen);
    }

    /** The meter has seen {@code seen} under key {@code keyVersion} (null: the active one). Never lowers. */
    public void advancePast(String meterId, int clientSap, Integer keyVersion, long seen) {
        Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO invocation_counters AS ic (meter_id, client_sap, key_version, next_value) VALUES (?, ?, %s, ?)
                    ON CONFLICT (meter_id, client_sap, key_version) DO UPDATE SET next_value = GREATEST(ic.next_value, excluded.next_value),
                        updated_at = now()
                    """.formatted(VERSION.formatted("?::int", "?")))) {
                ps.setString(1, meterId);
                ps.setInt(2, clientSap);
                if (keyVersion == null) ps.setNull(3, java.sql.Types.INTEGER); else ps.setInt(3, keyVersion);
                ps.setString(4, meterId);
                ps.setLong(5, seen + 1);
                return ps.executeUpdate();
            }
        });
    }

    /** The next value of the active key's counter of (meter, client), or empty before the first. */
    public OptionalLong next(String meterId, int clientSap) {
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT next_value FROM invocation_counters WHERE meter_id = ? AND client_sap = ? AND key_version = "
                    + VERSION.formatted("NULL::int", "?"))) {
                ps.setString(1, meterId);
                ps.setInt(2, clientSap);
                ps.setString(3, meterId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
                }
            }
        });
    }

    /**
     * Meters whose active key's counter has fewer than {@code headroom} values left (towards {@link #LIMIT}),
     * no key renewal queued or running and none dead since {@code deadSince} (an operator is on it), at
     * most {@code limit}: the ones to renew now.
     */
    public java.util.List<String> nearingLimit(long headroom, int limit, java.time.Instant deadSince) {
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT DISTINCT ic.meter_id FROM invocation_counters ic
                     WHERE ic.key_version = %s AND ic.next_value > ? AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.meter_id = ic.meter_id
                           AND j.type = 'KEY_RENEWAL' AND (j.state IN ('QUEUED', 'RUNNING') OR j.state = 'DEAD' AND j.finished_at > ?))
                     ORDER BY ic.meter_id LIMIT ?
                    """.formatted(VERSION.formatted("NULL::int", "ic.meter_id")))) {
                ps.setLong(1, LIMIT - headroom);
                ps.setTimestamp(2, Sql.ts(deadSince));
                ps.setInt(3, limit);
                java.util.List<String> out = new java.util.ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(rs.getString(1));
                }
                return out;
            }
        });
    }

    /** The fewest counter values any meter's active key has left, or empty when no counter is in use. */
    public OptionalLong lowestHeadroom() {
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT ? - max(ic.next_value) FROM invocation_counters ic WHERE ic.key_version = %s
                    """.formatted(VERSION.formatted("NULL::int", "ic.meter_id")))) {
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
