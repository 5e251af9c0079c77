package org.openhes.headend.scheduler.db;

import java.nio.file.Path;

/**
 * @param url              JDBC URL of a PostgreSQL server, or null/blank for the embedded one
 * @param user             user (server only)
 * @param password         password (server only)
 * @param embeddedDataDir  where the embedded PostgreSQL keeps its data (kept across restarts)
 * @param maxPoolSize      HikariCP pool size
 */
public record DatabaseSettings(String url, String user, String password, Path embeddedDataDir, int maxPoolSize) {
    public boolean embedded() {
        return url == null || url.isBlank();
    }

    @Override
    public String toString() {
        return "DatabaseSettings[" + (embedded() ? "embedded at " + embeddedDataDir : url) + ", pool=" + maxPoolSize + "]";
    }
}
