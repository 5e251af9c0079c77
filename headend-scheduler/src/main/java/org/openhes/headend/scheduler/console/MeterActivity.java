package org.openhes.headend.scheduler.console;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.openhes.headend.scheduler.db.Sql;

/**
 * One meter as its commands left it, for the meter page: the breaker, the power limit, the command history.
 * The disconnection guard may have run a DISCONNECT as a power limit: such a command keeps its type
 * DISCONNECT, but its result has {@code "guard": {"ran": "SET_POWER_LIMIT 2300 W", ...}}. It did not open
 * the breaker, so {@link #breaker} skips it and {@link #powerLimit} takes it as a limit of those watts.
 */
public final class MeterActivity {
    private final DataSource ds;

    public MeterActivity(DataSource ds) {
        this.ds = ds;
    }

    /** The breaker as the last SUCCEEDED DISCONNECT or RECONNECT left it: connected = that command was RECONNECT (and result.state.outputState true when present). */
    public record Breaker(boolean connected, String command, Instant at, UUID commandId) {
    }

    /** The power limit as the last SUCCEEDED SET_POWER_LIMIT / CLEAR_POWER_LIMIT left it; watts null = no limit. */
    public record PowerLimit(Long watts, Instant at) {
    }

    /** One line of a meter's command history. */
    public record CommandLine(UUID id, String type, String paramsJson, String status, String caller, int attempts,
                              String error, String resultJson, Instant createdAt, Instant updatedAt) {
    }

    /**
     * The breaker as the meter's last SUCCEEDED RECONNECT or DISCONNECT left it (by updated_at), empty
     * when it has none. Connected when that was a RECONNECT whose result's {@code state.outputState} is
     * true or absent. A DISCONNECT the guard ran as a power limit (result has {@code guard}) is skipped:
     * it left the breaker as it was.
     */
    public Optional<Breaker> breaker(String meterId) {
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT type, updated_at, id, result #>> '{state,outputState}' FROM commands
                     WHERE meter_id = ? AND status = 'SUCCEEDED'
                       AND (type = 'RECONNECT' OR (type = 'DISCONNECT' AND result -> 'guard' IS NULL))
                     ORDER BY updated_at DESC, created_at DESC LIMIT 1
                    """)) {
                ps.setString(1, meterId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return Optional.<Breaker>empty();
                    String type = rs.getString(1), output = rs.getString(4);
                    boolean connected = type.equals("RECONNECT") && (output == null || output.equals("true"));
                    return Optional.of(new Breaker(connected, type, Sql.instant(rs.getTimestamp(2)), rs.getObject(3, UUID.class)));
                }
            }
        });
    }

    /**
     * The power limit as the meter's last SUCCEEDED SET_POWER_LIMIT or CLEAR_POWER_LIMIT left it (by
     * updated_at), empty when it has none: the watts of params.watts, null after a CLEAR_POWER_LIMIT. A
     * DISCONNECT the guard ran as a power limit counts as a SET_POWER_LIMIT of the watts its result's
     * {@code guard.ran} names ("SET_POWER_LIMIT 2300 W").
     */
    public Optional<PowerLimit> powerLimit(String meterId) {
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT CASE WHEN type = 'SET_POWER_LIMIT' THEN params ->> 'watts'
                                WHEN type = 'DISCONNECT' THEN substring(result #>> '{guard,ran}' FROM 'SET_POWER_LIMIT ([0-9]+) W')
                           END, updated_at
                      FROM commands
                     WHERE meter_id = ? AND status = 'SUCCEEDED'
                       AND (type IN ('SET_POWER_LIMIT', 'CLEAR_POWER_LIMIT') OR (type = 'DISCONNECT' AND result -> 'guard' IS NOT NULL))
                     ORDER BY updated_at DESC, created_at DESC LIMIT 1
                    """)) {
                ps.setString(1, meterId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return Optional.<PowerLimit>empty();
                    String watts = rs.getString(1);
                    return Optional.of(new PowerLimit(watts == null ? null : Long.valueOf(watts), Sql.instant(rs.getTimestamp(2))));
                }
            }
        });
    }

    /** The newest commands of a meter first (by created_at), at most limit. */
    public List<CommandLine> commands(String meterId, int limit) {
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT id, type, params::text, status, caller, attempts, error, result::text, created_at, updated_at
                      FROM commands WHERE meter_id = ? ORDER BY created_at DESC, id DESC LIMIT ?
                    """)) {
                ps.setString(1, meterId);
                ps.setInt(2, Math.max(0, limit));
                List<CommandLine> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(line(rs));
                }
                return List.copyOf(out);
            }
        });
    }

    private static CommandLine line(ResultSet rs) throws SQLException {
        return new CommandLine(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getInt(6), rs.getString(7), rs.getString(8), Sql.instant(rs.getTimestamp(9)), Sql.instant(rs.getTimestamp(10)));
    }

    /** A key version's bookkeeping, never its secrets. */
    public record KeyVersionLine(int version, String state, String origin, Instant createdAt, Instant stateChangedAt) {
    }

    /** The meter's key versions, newest first (state: active, pending, retired, abandoned; origin: registry or renewal). */
    public List<KeyVersionLine> keyVersions(String meterId) {
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT version, state, origin, created_at, state_changed_at FROM meter_keys WHERE meter_id = ? ORDER BY version DESC
                    """)) {
                ps.setString(1, meterId);
                List<KeyVersionLine> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new KeyVersionLine(rs.getInt(1), rs.getString(2), rs.getString(3), Sql.instant(rs.getTimestamp(4)),
                                Sql.instant(rs.getTimestamp(5))));
                    }
                }
                return out;
            }
        });
    }
}
