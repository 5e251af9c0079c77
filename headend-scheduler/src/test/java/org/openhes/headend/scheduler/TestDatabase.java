package org.openhes.headend.scheduler;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.openhes.headend.scheduler.db.Database;
import org.openhes.headend.scheduler.db.DatabaseSettings;

/**
 * A fresh database per test class: on the server named by HEADEND_TEST_DB_URL when set, else on one
 * embedded PostgreSQL shared by the test JVM.
 */
public final class TestDatabase {
    private static EmbeddedPostgres embedded;

    private TestDatabase() {
    }

    public static synchronized Database create() {
        String server = System.getProperty("headend.test.db.url");
        if (server == null || server.isBlank() || server.startsWith("${")) server = System.getenv("HEADEND_TEST_DB_URL");
        String name = "headend_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try {
            String adminUrl;
            if (server != null && !server.isBlank()) {
                adminUrl = server;
            } else {
                if (embedded == null) embedded = EmbeddedPostgres.builder().start();
                adminUrl = embedded.getJdbcUrl("postgres", "postgres");
            }
            try (Connection c = DriverManager.getConnection(adminUrl); Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE " + name);
            }
            String url = withDatabase(adminUrl, name);
            return Database.open(new DatabaseSettings(url, null, null, Path.of("unused"), 12));
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("cannot create a test database: " + e.getMessage(), e);
        }
    }

    /** jdbc:postgresql://host:port/db?params → same with another database name. */
    static String withDatabase(String url, String db) {
        int q = url.indexOf('?');
        String base = q < 0 ? url : url.substring(0, q), params = q < 0 ? "" : url.substring(q);
        int slash = base.lastIndexOf('/');
        return base.substring(0, slash + 1) + db + params;
    }
}
