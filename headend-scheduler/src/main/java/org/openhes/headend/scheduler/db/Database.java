package org.openhes.headend.scheduler.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The PostgreSQL the head-end uses: a configured server, or an embedded one ({@link EmbeddedServer})
 * when none is configured. Pooled by HikariCP, a caller waiting at most {@code connectTimeout} for a
 * connection; the schema is migrated by Flyway on open.
 */
public final class Database implements AutoCloseable {
    private final EmbeddedServer embedded;
    private final HikariDataSource pool;
    private final String url;
    private final String user;
    private final String password;

    private Database(EmbeddedServer embedded, HikariDataSource pool, String url, String user, String password) {
        this.embedded = embedded;
        this.pool = pool;
        this.url = url;
        this.user = user;
        this.password = password;
    }

    public static Database open(DatabaseSettings s) {
        EmbeddedServer pg = null;
        String url = s.url(), user = s.user(), password = s.password();
        try {
            if (s.embedded()) {
                pg = EmbeddedServer.start(s.embeddedDataDir());
                url = pg.jdbcUrl();
                user = "postgres";
                password = null;
            }
            HikariConfig hc = new HikariConfig();
            hc.setJdbcUrl(url);
            if (user != null && !user.isBlank()) hc.setUsername(user);
            if (password != null && !password.isBlank()) hc.setPassword(password);
            hc.setMaximumPoolSize(s.maxPoolSize());
            hc.setPoolName("headend");
            // a batch of inserts goes as multi-row statements (bulk orders, jobs of a plan): measured with
            // 100,000 balance displays in one request, the store was 0.93 of the request's time
            hc.addDataSourceProperty("reWriteBatchedInserts", "true");
            hc.setConnectionTimeout(s.connectTimeout().toMillis());
            hc.setInitializationFailTimeout(30_000);
            HikariDataSource ds = new HikariDataSource(hc);
            Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
            return new Database(pg, ds, url, user, password);
        } catch (RuntimeException e) {
            if (pg != null) pg.close();
            throw e;
        }
    }

    /** The embedded server's postmaster process (from its postmaster.pid), for CPU figures; empty for a configured server. */
    public Optional<ProcessHandle> embeddedServerProcess() {
        return embedded == null ? Optional.empty() : embedded.postmaster();
    }

    /** The process that stops the embedded server if this one dies without closing it; empty for a configured server. */
    public Optional<ProcessHandle> embeddedWatchdog() {
        return embedded == null ? Optional.empty() : embedded.watchdog();
    }

    public DataSource dataSource() {
        return pool;
    }

    public HikariDataSource hikari() {
        return pool;
    }

    /**
     * A connection outside the pool, for the health check: opening it fails within about
     * {@code timeout} when the server is away, and so does a statement on it.
     */
    public Connection openProbe(Duration timeout) throws SQLException {
        String seconds = String.valueOf(Math.max(1, (timeout.toMillis() + 999) / 1000));
        Properties p = new Properties();
        if (user != null && !user.isBlank()) p.setProperty("user", user);
        if (password != null && !password.isBlank()) p.setProperty("password", password);
        p.setProperty("connectTimeout", seconds);
        p.setProperty("loginTimeout", seconds);
        p.setProperty("socketTimeout", seconds);
        p.setProperty("ApplicationName", "headend health check");
        return DriverManager.getConnection(url, p);
    }

    @Override
    public void close() {
        pool.close();
        if (embedded != null) embedded.close();
    }
}
