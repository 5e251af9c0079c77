package org.openhes.headend.scheduler.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The PostgreSQL the head-end uses: a configured server, or an embedded one started from binaries
 * when none is configured. Pooled by HikariCP; the schema is migrated by Flyway on open.
 */
public final class Database implements AutoCloseable {
    private final EmbeddedPostgres embedded;
    private final Path embeddedDataDir;
    private final HikariDataSource pool;

    private Database(EmbeddedPostgres embedded, Path embeddedDataDir, HikariDataSource pool) {
        this.embedded = embedded;
        this.embeddedDataDir = embeddedDataDir;
        this.pool = pool;
    }

    public static Database open(DatabaseSettings s) {
        EmbeddedPostgres pg = null;
        String url = s.url(), user = s.user(), password = s.password();
        try {
            if (s.embedded()) {
                Files.createDirectories(s.embeddedDataDir());
                // The embedded server's defaults favour test speed (synchronous_commit off): a commit could
                // be lost in a crash and an invocation counter block handed out twice. Not here.
                pg = EmbeddedPostgres.builder().setDataDirectory(s.embeddedDataDir()).setCleanDataDirectory(false)
                        .setServerConfig("max_connections", "200").setServerConfig("synchronous_commit", "on")
                        .setServerConfig("fsync", "on").setServerConfig("full_page_writes", "on").start();
                url = pg.getJdbcUrl("postgres", "postgres");
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
            hc.setConnectionTimeout(10_000);
            hc.setInitializationFailTimeout(30_000);
            HikariDataSource ds = new HikariDataSource(hc);
            Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
            return new Database(pg, pg == null ? null : s.embeddedDataDir(), ds);
        } catch (IOException e) {
            closeQuietly(pg);
            throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + s.embeddedDataDir(), e);
        } catch (RuntimeException e) {
            closeQuietly(pg);
            throw e;
        }
    }

    private static void closeQuietly(EmbeddedPostgres pg) {
        if (pg == null) return;
        try {
            pg.close();
        } catch (IOException ignored) {
            // nothing more to do
        }
    }

    /** The embedded server's postmaster process (from its postmaster.pid), for CPU figures; empty for a configured server. */
    public Optional<ProcessHandle> embeddedServerProcess() {
        if (embeddedDataDir == null) return Optional.empty();
        try {
            String first = Files.readAllLines(embeddedDataDir.resolve("postmaster.pid")).get(0).trim();
            return ProcessHandle.of(Long.parseLong(first));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    public DataSource dataSource() {
        return pool;
    }

    public HikariDataSource hikari() {
        return pool;
    }

    /** True when a connection can be taken and answers. */
    public boolean isUp() {
        try (Connection c = pool.getConnection()) {
            return c.isValid(2);
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        pool.close();
        closeQuietly(embedded);
    }
}
