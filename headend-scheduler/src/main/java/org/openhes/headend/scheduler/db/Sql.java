package org.openhes.headend.scheduler.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import javax.sql.DataSource;

/** Small JDBC helpers: transactions and time conversion. SQL itself stays in the repositories. */
public final class Sql {
    private Sql() {
    }

    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} in one transaction; wraps SQL failures in {@link StoreException}. */
    public static <T> T tx(DataSource ds, Work<T> work) {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("database: " + e.getMessage(), e);
        }
    }

    public static Timestamp ts(Instant t) {
        return t == null ? null : Timestamp.from(t);
    }

    public static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
