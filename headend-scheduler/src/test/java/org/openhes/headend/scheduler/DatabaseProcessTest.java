package org.openhes.headend.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openhes.headend.scheduler.db.Database;
import org.openhes.headend.scheduler.db.DatabaseSettings;

/** The benchmarks charge the embedded server's CPU to the database: they must find its process, and only its. */
class DatabaseProcessTest {
    @Test
    void theEmbeddedServerIsFoundAndAConfiguredOneIsNot(@TempDir Path dir) throws Exception {
        try (Database embedded = Database.open(new DatabaseSettings(null, null, null, dir.resolve("postgres"), 2))) {
            var postmaster = embedded.embeddedServerProcess();
            assertThat(postmaster).isPresent();
            assertThat(postmaster.get().isAlive()).isTrue();
            assertThat(postmaster.get().pid()).isNotEqualTo(ProcessHandle.current().pid());
            assertThat(Files.readAllLines(dir.resolve("postgres/postmaster.pid")).get(0).trim())
                    .isEqualTo(String.valueOf(postmaster.get().pid()));
            assertThat(postmaster.get().descendants()).as("its backends and background processes").isNotEmpty();
        }
        try (Database configured = TestDatabase.create()) {
            assertThat(configured.embeddedServerProcess()).isEmpty();
        }
    }
}
