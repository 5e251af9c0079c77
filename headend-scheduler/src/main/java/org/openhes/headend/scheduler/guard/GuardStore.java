package org.openhes.headend.scheduler.guard;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Time;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.openhes.headend.scheduler.db.Sql;

/** The guard's policy, periods, meter holds and overrides, in PostgreSQL. */
public final class GuardStore {
    private final DataSource ds;

    public GuardStore(DataSource ds) {
        this.ds = ds;
    }

    public GuardPolicy policy() {
        return Sql.tx(ds, c -> {
            List<GuardPolicy.Period> periods = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT from_date, to_date, reason FROM guard_periods ORDER BY from_date, id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) periods.add(new GuardPolicy.Period(rs.getDate(1).toLocalDate(), rs.getDate(2).toLocalDate(), rs.getString(3)));
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT protected_label, protected_action, protected_limit_watts, hold_weekends, hold_public_holidays,
                           day_start, day_end, window_action FROM guard_policy WHERE id = 1
                    """); ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) throw new IllegalStateException("guard_policy has no row: the migrations did not run");
                return new GuardPolicy(rs.getString(1), GuardPolicy.ProtectedAction.valueOf(rs.getString(2)), rs.getInt(3),
                        rs.getBoolean(4), rs.getBoolean(5), time(rs.getTime(6)), time(rs.getTime(7)), periods,
                        GuardPolicy.WindowAction.valueOf(rs.getString(8)));
            }
        });
    }

    private static LocalTime time(Time t) {
        return t == null ? null : t.toLocalTime();
    }

    /** Replaces the policy and its periods in one transaction. */
    public void replace(GuardPolicy p, String by) {
        Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE guard_policy SET protected_label = ?, protected_action = ?, protected_limit_watts = ?, hold_weekends = ?,
                           hold_public_holidays = ?, day_start = ?, day_end = ?, window_action = ?, updated_at = now(), updated_by = ?
                     WHERE id = 1
                    """)) {
                ps.setString(1, p.protectedLabel());
                ps.setString(2, p.protectedAction().name());
                ps.setInt(3, p.protectedLimitWatts());
                ps.setBoolean(4, p.holdWeekends());
                ps.setBoolean(5, p.holdPublicHolidays());
                ps.setTime(6, p.dayStart() == null ? null : Time.valueOf(p.dayStart()));
                ps.setTime(7, p.dayEnd() == null ? null : Time.valueOf(p.dayEnd()));
                ps.setString(8, p.windowAction().name());
                ps.setString(9, by);
                if (ps.executeUpdate() != 1) throw new IllegalStateException("guard_policy has no row");
            }
            try (PreparedStatement del = c.prepareStatement("DELETE FROM guard_periods")) {
                del.executeUpdate();
            }
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO guard_periods (from_date, to_date, reason) VALUES (?, ?, ?)")) {
                for (GuardPolicy.Period period : p.periods()) {
                    ins.setObject(1, period.from());
                    ins.setObject(2, period.to());
                    ins.setString(3, period.reason());
                    ins.addBatch();
                }
                ins.executeBatch();
            }
            return null;
        });
    }

    /** A meter's holds that have not ended at {@code now}. */
    public List<MeterHold> holds(String meterId, Instant now) {
        return Sql.tx(ds, c -> holds(c, meterId, now));
    }

    static List<MeterHold> holds(Connection c, String meterId, Instant now) throws SQLException {
        List<MeterHold> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id, meter_id, from_at, to_at, reason FROM meter_disconnection_holds WHERE meter_id = ? AND to_at > ? ORDER BY from_at, id")) {
            ps.setString(1, meterId);
            ps.setTimestamp(2, Sql.ts(now));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new MeterHold(rs.getLong(1), rs.getString(2), Sql.instant(rs.getTimestamp(3)), Sql.instant(rs.getTimestamp(4)), rs.getString(5)));
                }
            }
        }
        return out;
    }

    public MeterHold addHold(String meterId, Instant from, Instant to, String reason, String by) {
        MeterHold checked = new MeterHold(0, meterId, from, to, reason);
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO meter_disconnection_holds (meter_id, from_at, to_at, reason, created_by) VALUES (?, ?, ?, ?, ?) RETURNING id")) {
                ps.setString(1, meterId);
                ps.setTimestamp(2, Sql.ts(from));
                ps.setTimestamp(3, Sql.ts(to));
                ps.setString(4, checked.reason());
                ps.setString(5, by);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new MeterHold(rs.getLong(1), meterId, from, to, checked.reason());
                }
            }
        });
    }

    /** Removes a hold; false when the meter has no such hold. */
    public boolean removeHold(String meterId, long id) {
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM meter_disconnection_holds WHERE meter_id = ? AND id = ?")) {
                ps.setString(1, meterId);
                ps.setLong(2, id);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** Records an operator's override of the guard, in the caller's transaction. */
    public static void recordOverride(Connection c, UUID commandId, String operator, String reason, String rule) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO guard_overrides (command_id, operator, reason, rule) VALUES (?, ?, ?, ?)")) {
            ps.setObject(1, commandId);
            ps.setString(2, operator);
            ps.setString(3, reason);
            ps.setString(4, rule);
            ps.executeUpdate();
        }
    }

    /** The overrides of one command, for audit: "operator: reason (rule)". */
    public List<String> overrides(UUID commandId) {
        return Sql.tx(ds, c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT operator, reason, rule FROM guard_overrides WHERE command_id = ? ORDER BY at")) {
                ps.setObject(1, commandId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(rs.getString(1) + ": " + rs.getString(2) + (rs.getString(3) == null ? "" : " (" + rs.getString(3) + ")"));
                }
            }
            return out;
        });
    }
}
