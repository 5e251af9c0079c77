package org.openhes.headend.scheduler.db;

import java.nio.file.Path;
import java.time.Duration;

/**
 * @param url              JDBC URL of a PostgreSQL server, or null/blank for the embedded one
 * @param user             user (server only)
 * @param password         password (server only)
 * @param embeddedDataDir  where the embedded PostgreSQL keeps its data (kept across restarts)
 * @param maxPoolSize      HikariCP pool size
 * @param connectTimeout   how long a caller waits for a pooled connection before it fails (at least 250 ms)
 */
public record DatabaseSettings(String url, String user, String password, Path embeddedDataDir, int maxPoolSize, Duration connectTimeout) {
    /** The wait for a connection when none is configured ({@code db.connect.timeout}). */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

    public DatabaseSettings {
        if (connectTimeout.toMillis() < 250) throw new IllegalArgumentException("the connect timeout must be at least 250 ms (was " + connectTimeout + ")");
    }

    public DatabaseSettings(String url, String user, String password, Path embeddedDataDir, int maxPoolSize) {
        this(url, user, password, embeddedDataDir, maxPoolSize, DEFAULT_CONNECT_TIMEOUT);
    }

    public boolean embedded() {
        return url == null || url.isBlank();
    }

    @Override
    public String toString() {
        return "DatabaseSettings[" + (embedded() ? "embedded at " + embeddedDataDir : url) + ", pool=" + maxPoolSize
                + ", connect timeout=" + connectTimeout + "]";
    }
}
