package org.openhes.headend.scheduler.db;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who holds an embedded data directory before a head-end starts its server there: nobody, a live
 * head-end (refused, naming it), or a PostgreSQL left running by a head-end that is gone (stopped
 * cleanly with a fast shutdown). The head-end that starts a server records itself beside
 * the data directory ({@code postgres.owner}: its process id and start time, so a reused process id is
 * not taken for it).
 */
final class DataDirectoryHolder {
    private static final Logger log = LoggerFactory.getLogger(DataDirectoryHolder.class);
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);

    private final Path dataDir;

    DataDirectoryHolder(Path dataDir) {
        this.dataDir = dataDir;
    }

    Path ownerFile() {
        return dataDir.resolveSibling(dataDir.getFileName() + ".owner");
    }

    Path pidFile() {
        return dataDir.resolve("postmaster.pid");
    }

    /** The postmaster named by postmaster.pid, when that process is alive. */
    Optional<ProcessHandle> postmaster() {
        try {
            List<String> lines = Files.readAllLines(pidFile(), StandardCharsets.UTF_8);
            if (lines.isEmpty()) return Optional.empty();
            return ProcessHandle.of(Long.parseLong(lines.get(0).trim())).filter(ProcessHandle::isAlive);
        } catch (NoSuchFileException absent) {
            return Optional.empty();
        } catch (IOException | RuntimeException unreadable) {
            return Optional.empty();
        }
    }

    /** Records this process as the one whose server runs in the data directory. */
    void recordOwner() {
        ProcessHandle me = ProcessHandle.current();
        String text = "pid=" + me.pid() + "\nstarted=" + me.info().startInstant().map(Instant::toString).orElse("") + "\n";
        try {
            Files.writeString(ownerFile(), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            log.warn("cannot record the owner of {} in {}: {}", dataDir, ownerFile(), e.toString());
        }
    }

    void forgetOwner() {
        try {
            Files.deleteIfExists(ownerFile());
        } catch (IOException e) {
            log.debug("owner file {} not removed: {}", ownerFile(), e.toString());
        }
    }

    /** The head-end recorded as the owner, when it is still running (same process id and start time). */
    Optional<ProcessHandle> liveOwner() {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(ownerFile(), StandardCharsets.UTF_8)) {
            p.load(in);
            Optional<ProcessHandle> owner = ProcessHandle.of(Long.parseLong(p.getProperty("pid", "").trim())).filter(ProcessHandle::isAlive);
            String started = p.getProperty("started", "").trim();
            return owner.filter(h -> started.isEmpty() || h.info().startInstant().map(Instant::toString).orElse("").equals(started));
        } catch (IOException | RuntimeException noOwner) {
            return Optional.empty();
        }
    }

    boolean ownerRecorded() {
        return Files.exists(ownerFile());
    }

    /**
     * Makes the data directory free for a new server: nothing to do when no postmaster runs there; a
     * server whose head-end is gone is stopped; otherwise an {@link EmbeddedServerException} says who
     * holds it and how to free it.
     */
    void free() {
        Optional<ProcessHandle> running = postmaster();
        if (running.isEmpty()) return; // a stale postmaster.pid of a dead server: PostgreSQL replaces it itself
        ProcessHandle pg = running.get();
        Optional<String> command = pg.info().command();
        if (command.isPresent() && !command.get().endsWith("postgres")) {
            // the server died and its process id went to another program: the lock file is stale
            log.warn("{} names process {}, which is not PostgreSQL ({}): removing the stale lock file", pidFile(), pg.pid(), command.get());
            try {
                Files.deleteIfExists(pidFile());
            } catch (IOException e) {
                throw new EmbeddedServerException("cannot remove the stale " + pidFile() + " (" + e.getMessage() + "): remove it and start again", e);
            }
            return;
        }
        Optional<ProcessHandle> owner = liveOwner();
        if (owner.isPresent()) {
            String who = owner.get().pid() == ProcessHandle.current().pid() ? "this process (" + owner.get().pid() + ")"
                    : "the head-end running as process " + owner.get().pid() + owner.get().info().startInstant().map(t -> " since " + t).orElse("");
            throw new EmbeddedServerException("the embedded PostgreSQL in " + dataDir + " (process " + pg.pid() + ") belongs to " + who
                    + ": stop that head-end first, or give this one another data.dir (HEADEND_DATA_DIR) or a db.url");
        }
        if (!ownerRecorded() || command.isEmpty()) {
            throw new EmbeddedServerException("the data directory " + dataDir + " is held by " + (command.isPresent() ? "PostgreSQL process " : "process ") + pg.pid()
                    + " and no head-end is recorded as its owner in " + ownerFile() + ": if no head-end uses it, free it with `"
                    + stopCommand(pg) + "` and start again");
        }
        log.warn("the embedded PostgreSQL in {} (process {}) was left running by a head-end that is gone: stopping it", dataDir, pg.pid());
        long t0 = System.nanoTime();
        stop(pg);
        log.warn("the orphaned PostgreSQL in {} stopped in {} ms", dataDir, (System.nanoTime() - t0) / 1_000_000);
    }

    /** A fast shutdown (SIGINT: clients are disconnected, the server checkpoints and exits); pg_ctl refuses to run as root. */
    private static String stopCommand(ProcessHandle pg) {
        return "kill -INT " + pg.pid();
    }

    private void stop(ProcessHandle pg) {
        try {
            Process kill = new ProcessBuilder("kill", "-INT", String.valueOf(pg.pid())).redirectErrorStream(true).start();
            String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (kill.waitFor() != 0) log.warn("kill -INT {}: {}", pg.pid(), out);
            pg.onExit().get(STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (IOException | ExecutionException | TimeoutException e) {
            throw new EmbeddedServerException("the orphaned PostgreSQL in " + dataDir + " (process " + pg.pid() + ") did not stop within "
                    + STOP_WAIT.toSeconds() + " s: free it with `" + stopCommand(pg) + "` and start again", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedServerException("interrupted while stopping the orphaned PostgreSQL in " + dataDir, e);
        }
    }
}
