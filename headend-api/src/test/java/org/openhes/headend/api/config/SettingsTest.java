package org.openhes.headend.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {

    @Test
    void environment_overrides_the_file(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("headend.properties");
        Files.writeString(file, "http.port=8080\ndb.url=jdbc:postgresql://db/headend\n");

        Settings s = Settings.load(Optional.of(file), Map.of("HEADEND_HTTP_PORT", "9090", "PATH", "/bin"));

        assertThat(s.integer("http.port", 1, 1, 65535)).isEqualTo(9090);
        assertThat(s.get("db.url")).contains("jdbc:postgresql://db/headend");
        assertThat(s.names()).containsExactly("db.url", "http.port");
    }

    @Test
    void a_bad_value_names_the_setting_and_the_value() {
        Settings s = Settings.of(Map.of("pool.max.sessions", "0", "http.port", "eighty", "job.lease", "soon"));

        assertThatThrownBy(() -> s.integer("pool.max.sessions", 100, 1, 100_000))
                .hasMessage("pool.max.sessions must be between 1 and 100000 (was 0)");
        assertThatThrownBy(() -> s.integer("http.port", 8080, 1, 65535))
                .hasMessageContaining("http.port must be a whole number (was eighty)");
        assertThatThrownBy(() -> s.duration("job.lease", Duration.ofMinutes(1)))
                .hasMessageContaining("job.lease must be a duration");
    }

    @Test
    void durations_accept_short_and_iso_forms() {
        assertThat(Settings.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Settings.parseDuration("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Settings.parseDuration("4h")).isEqualTo(Duration.ofHours(4));
        assertThat(Settings.parseDuration("PT2M")).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void the_database_connect_timeout_and_health_interval_are_settings_with_environment_names() {
        HeadendConfig defaults = HeadendConfig.from(Settings.of(Map.of()));
        assertThat(defaults.dbConnectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(defaults.dbHealthInterval()).isEqualTo(Duration.ofSeconds(1));

        HeadendConfig set = HeadendConfig.from(Settings.load(Optional.empty(),
                Map.of("HEADEND_DB_CONNECT_TIMEOUT", "2s", "HEADEND_DB_HEALTH_INTERVAL", "500ms")));
        assertThat(set.dbConnectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(set.dbHealthInterval()).isEqualTo(Duration.ofMillis(500));

        assertThatThrownBy(() -> HeadendConfig.from(Settings.of(Map.of("db.connect.timeout", "100ms"))))
                .isInstanceOf(ConfigException.class)
                .hasMessage("db.connect.timeout (HEADEND_DB_CONNECT_TIMEOUT) must be at least 250ms (was 100ms)");
        assertThatThrownBy(() -> HeadendConfig.from(Settings.of(Map.of("db.health.interval", "soon"))))
                .hasMessageContaining("db.health.interval must be a duration");
    }
}
