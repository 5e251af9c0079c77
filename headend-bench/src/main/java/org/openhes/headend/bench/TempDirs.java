package org.openhes.headend.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The scenarios' data directories (embedded PostgreSQL, registries with keys): made per run, removed after it. */
final class TempDirs {
    private TempDirs() {
    }

    static Path create() throws IOException {
        return Files.createTempDirectory("headend-bench");
    }

    /** Removes {@code dir} and all under it; what cannot be removed stays, named on stderr. */
    static void delete(Path dir) {
        if (dir == null || !Files.exists(dir)) return;
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("bench: could not remove " + dir + ": " + e.getMessage());
        }
        if (Files.exists(dir)) System.err.println("bench: could not remove all of " + dir);
    }
}
