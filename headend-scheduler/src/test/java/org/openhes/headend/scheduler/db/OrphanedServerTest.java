package org.openhes.headend.scheduler.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A head-end process holding the embedded PostgreSQL is killed with SIGKILL (real processes: a JVM
 * that opens the database as a head-end does, its postmaster, its watchdog). The server does not
 * outlive it: the watchdog stops it; if the watchdog died too, the next start stops the orphan and
 * starts its own. A live head-end's server is never taken, and a server nobody is recorded for is
 * named with the command that frees it.
 */
class OrphanedServerTest {
    private static final Pattern READY = Pattern.compile("READY postmaster=(\\d+) watchdog=(-?\\d+)");
    private final List<Process> children = new ArrayList<>();
    private final List<ProcessHandle> servers = new ArrayList<>();

    private record Child(Process process, ProcessHandle postmaster, ProcessHandle watchdog) {
    }

    private Child startHeadEnd(Path dataDir) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), EmbeddedServerChild.class.getName(),
                dataDir.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        children.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            Matcher m = READY.matcher(line);
            if (m.find()) {
                ProcessHandle postmaster = ProcessHandle.of(Long.parseLong(m.group(1))).orElseThrow();
                servers.add(postmaster);
                ProcessHandle watchdog = ProcessHandle.of(Long.parseLong(m.group(2))).orElseThrow(() -> new AssertionError("no watchdog"));
                return new Child(p, postmaster, watchdog);
            }
        }
        throw new AssertionError("the child head-end ended before its database was up (exit " + p.waitFor() + ")");
    }

    private static void kill9(ProcessHandle p) throws Exception {
        p.destroyForcibly();
        p.onExit().get(10, TimeUnit.SECONDS);
    }

    private static boolean answers(Database db) throws Exception {
        try (Connection c = db.dataSource().getConnection(); ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM meters")) {
            return rs.next();
        }
    }

    @AfterEach
    void cleanUp() {
        children.forEach(Process::destroyForcibly);
        servers.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroy);
    }

    @Test
    void theWatchdogStopsTheServerOfAKilledHeadEnd(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("postgres");
        Child child = startHeadEnd(data);
        assertThat(child.postmaster().isAlive()).isTrue();
        long t0 = System.nanoTime();
        kill9(child.process().toHandle());
        child.postmaster().onExit().get(30, TimeUnit.SECONDS);
        System.out.printf("the watchdog stopped the orphaned server %d ms after its head-end was killed%n", (System.nanoTime() - t0) / 1_000_000);
        assertThat(child.postmaster().isAlive()).isFalse();
        child.watchdog().onExit().get(10, TimeUnit.SECONDS);
        try (Database next = Database.open(new DatabaseSettings(null, null, null, data, 2))) {
            assertThat(answers(next)).isTrue();
        }
    }

    @Test
    void theNextStartStopsAnOrphanWhoseWatchdogDiedTooAndStartsItsOwn(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("postgres");
        Child child = startHeadEnd(data);
        kill9(child.watchdog()); // as when the whole process group is killed
        kill9(child.process().toHandle());
        Thread.sleep(500);
        assertThat(child.postmaster().isAlive()).as("the orphan still runs").isTrue();
        long t0 = System.nanoTime();
        try (Database next = Database.open(new DatabaseSettings(null, null, null, data, 2))) {
            System.out.printf("the next start stopped the orphan and was up in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            assertThat(child.postmaster().isAlive()).as("the orphan is gone").isFalse();
            ProcessHandle own = next.embeddedServerProcess().orElseThrow();
            servers.add(own);
            assertThat(own.pid()).isNotEqualTo(child.postmaster().pid());
            assertThat(answers(next)).isTrue();
        }
        assertThat(Files.exists(dir.resolve("postgres.owner"))).as("the owner record goes with a clean stop").isFalse();
    }

    @Test
    void theServerOfALiveHeadEndIsNeverTakenAndTheRefusalNamesIt(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("postgres");
        Child child = startHeadEnd(data);
        assertThatThrownBy(() -> Database.open(new DatabaseSettings(null, null, null, data, 2)))
                .isInstanceOf(EmbeddedServerException.class)
                .hasMessageContaining("belongs to the head-end running as process " + child.process().pid())
                .hasMessageContaining("another data.dir (HEADEND_DATA_DIR) or a db.url");
        assertThat(child.postmaster().isAlive()).as("left alone").isTrue();
        assertThat(child.process().isAlive()).isTrue();
    }

    @Test
    void aServerNoHeadEndIsRecordedForIsNamedWithTheCommandThatFreesIt(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("postgres");
        Child child = startHeadEnd(data);
        kill9(child.watchdog());
        kill9(child.process().toHandle());
        Files.delete(dir.resolve("postgres.owner")); // as a server started by hand, or by an older head-end
        String message = null;
        try {
            Database.open(new DatabaseSettings(null, null, null, data, 2)).close();
        } catch (EmbeddedServerException e) {
            message = e.getMessage();
        }
        assertThat(message).as("refused").isNotNull()
                .contains("is held by PostgreSQL process " + child.postmaster().pid())
                .contains("kill -INT " + child.postmaster().pid());
        assertThat(child.postmaster().isAlive()).as("not stopped without an owner record").isTrue();
        // the command the message gives frees the directory
        String command = message.substring(message.indexOf('`') + 1, message.lastIndexOf('`'));
        Process free = new ProcessBuilder(command.split(" ")).redirectErrorStream(true).start();
        free.getInputStream().readAllBytes();
        assertThat(free.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(free.exitValue()).isZero();
        child.postmaster().onExit().get(30, TimeUnit.SECONDS);
        try (Database next = Database.open(new DatabaseSettings(null, null, null, data, 2))) {
            servers.add(next.embeddedServerProcess().orElseThrow());
            assertThat(answers(next)).isTrue();
        }
    }

    @Test
    void aStaleLockFileNamingAnotherProgramIsRemoved(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("postgres");
        try (Database first = Database.open(new DatabaseSettings(null, null, null, data, 2))) {
            servers.add(first.embeddedServerProcess().orElseThrow());
        }
        // the server died with its lock file left behind, and the process id now belongs to another program
        Process other = new ProcessBuilder("sleep", "60").start();
        children.add(other);
        List<String> lock = new ArrayList<>(List.of(String.valueOf(other.pid()), data.toString(), "0", "5432", "/tmp", "localhost", "0 0", "ready"));
        Files.write(data.resolve("postmaster.pid"), lock);
        try (Database next = Database.open(new DatabaseSettings(null, null, null, data, 2))) {
            servers.add(next.embeddedServerProcess().orElseThrow());
            assertThat(answers(next)).isTrue();
        }
        assertThat(other.isAlive()).as("the other program is left alone").isTrue();
    }
}
