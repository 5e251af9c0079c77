package org.openhes.headend.scheduler.reads;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.openhes.headend.scheduler.db.Sql;

/**
 * The monthly partitions (UTC months) of a table partitioned by a time column, with a default
 * partition {@code <table>_default}: made on demand before rows of a new month are written, once per
 * node and month (nodes serialise on an advisory lock), moving any rows of that month that had landed
 * in the default partition into the new one.
 */
final class MonthlyPartitions {
    private final DataSource ds;
    private final String table;
    private final String column;
    private final Set<YearMonth> known = ConcurrentHashMap.newKeySet();

    MonthlyPartitions(DataSource ds, String table, String column) {
        this.ds = ds;
        this.table = table;
        this.column = column;
    }

    /** Makes sure the months of {@code times} have their partition. */
    void ensure(Collection<Instant> times) {
        Set<YearMonth> months = new TreeSet<>();
        for (Instant t : times) months.add(YearMonth.from(t.atOffset(ZoneOffset.UTC)));
        months.removeAll(known);
        if (months.isEmpty()) return;
        Sql.tx(ds, c -> {
            try (Statement st = c.createStatement()) {
                st.execute("SELECT pg_advisory_xact_lock(hashtext('" + table + "_partitions'))");
                for (YearMonth m : months) {
                    String name = String.format("%s_%04d_%02d", table, m.getYear(), m.getMonthValue());
                    if (exists(c, name)) continue;
                    String from = "'" + m.atDay(1) + " 00:00+00'", to = "'" + m.plusMonths(1).atDay(1) + " 00:00+00'";
                    String range = column + " >= " + from + " AND " + column + " < " + to;
                    st.execute("CREATE TEMP TABLE moving ON COMMIT DROP AS SELECT * FROM " + table + "_default WHERE " + range);
                    st.execute("DELETE FROM " + table + "_default WHERE " + range);
                    st.execute("CREATE TABLE " + name + " PARTITION OF " + table + " FOR VALUES FROM (" + from + ") TO (" + to + ")");
                    st.execute("INSERT INTO " + table + " SELECT * FROM moving");
                    st.execute("DROP TABLE moving");
                }
            }
            return null;
        });
        known.addAll(months);
    }

    private static boolean exists(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}
