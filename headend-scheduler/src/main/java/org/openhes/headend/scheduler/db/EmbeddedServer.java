package org.openhes.headend.scheduler.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL of a head-end without {@code db.url}, bound to the life of this process:
 * before it starts, a server left running in its data directory by a head-end that is gone is
 * stopped ({@link DataDirectoryHolder}); once it runs, a watchdog process stops it when this process
 * ends without closing it (SIGKILL, an OOM kill): it waits on a pipe from this process, which the
 * kernel closes however the process dies.
 */
final class EmbeddedServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedServer.class);
    /**
     * Reads the pipe from the head-end until it closes, then asks the server for a fast shutdown
     * (SIGINT) if the data directory's lock file still names it: $0 is the postmaster's process id,
     * $1 the data directory.
     */
    private static final String WATCHDOG = "while read -r _; do :; done; "
            + "{ read -r first < \"$1/postmaster.pid\"; } 2>/dev/null; "
            + "if [ \"$first\" = \"$0\" ]; then kill -INT \"$0\" && echo \"head-end gone: asked PostgreSQL $0 to stop\"; fi";

    private final EmbeddedPostgres pg;
    private final DataDirectoryHolder holder;
    private final Process watchdog;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedServer(EmbeddedPostgres pg, DataDirectoryHolder holder, Process watchdog) {
        this.pg = pg;
        this.holder = holder;
        this.watchdog = watchdog;
    }

    static EmbeddedServer start(Path dataDir) {
        DataDirectoryHolder holder = new DataDirectoryHolder(dataDir);
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new EmbeddedServerException("cannot create the embedded PostgreSQL's data directory " + dataDir + ": " + e.getMessage(), e);
        }
        holder.free();
        EmbeddedPostgres pg;
        try {
            // The embedded server's defaults favour test speed (synchronous_commit off): a commit could
            // be lost in a crash and an invocation counter block handed out twice. Not here.
            pg = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false)
                    .setServerConfig("max_connections", "200").setServerConfig("synchronous_commit", "on")
                    .setServerConfig("fsync", "on").setServerConfig("full_page_writes", "on").start();
        } catch (IOException | RuntimeException e) {
            throw new EmbeddedServerException("cannot start the embedded PostgreSQL in " + dataDir + ": " + e.getMessage()
                    + holder.postmaster().map(p -> " (process " + p.pid() + " holds the directory)").orElse(""), e);
        }
        holder.recordOwner();
        return new EmbeddedServer(pg, holder, startWatchdog(holder, dataDir));
    }

    private static Process startWatchdog(DataDirectoryHolder holder, Path dataDir) {
        Optional<ProcessHandle> postmaster = holder.postmaster();
        if (postmaster.isEmpty()) {
            log.warn("no watchdog for the embedded PostgreSQL in {} (no postmaster.pid): if this process is killed, the next start stops it", dataDir);
            return null;
        }
        try {
            Path logFile = dataDir.resolveSibling(dataDir.getFileName() + "-watchdog.log");
            return new ProcessBuilder("sh", "-c", WATCHDOG, String.valueOf(postmaster.get().pid()), dataDir.toString())
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).redirectErrorStream(true).start();
        } catch (IOException e) {
            log.warn("no watchdog for the embedded PostgreSQL in {} ({}): if this process is killed, the next start stops it", dataDir, e.toString());
            return null;
        }
    }

    String jdbcUrl() {
        return pg.getJdbcUrl("postgres", "postgres");
    }

    /** The postmaster, from its postmaster.pid. */
    Optional<ProcessHandle> postmaster() {
        return holder.postmaster();
    }

    /** The watchdog process, when one runs. */
    Optional<ProcessHandle> watchdog() {
        return Optional.ofNullable(watchdog).map(Process::toHandle);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        if (watchdog != null) watchdog.destroy(); // the server is stopped here, not by the watchdog
        try {
            pg.close();
        } catch (IOException e) {
            log.warn("the embedded PostgreSQL did not stop cleanly: {}", e.toString());
        }
        holder.forgetOwner();
    }
}
