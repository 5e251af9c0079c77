package org.openhes.headend.scheduler.db;

import java.nio.file.Path;

/**
 * A process that opens the embedded database in the directory it is given, as a head-end does, says
 * so on stdout and waits to be killed: the orphaned-server tests kill it with SIGKILL.
 */
public final class EmbeddedServerChild {
    private EmbeddedServerChild() {
    }

    public static void main(String[] args) throws Exception {
        Database db = Database.open(new DatabaseSettings(null, null, null, Path.of(args[0]), 2));
        System.out.println("READY postmaster=" + db.embeddedServerProcess().map(ProcessHandle::pid).orElse(-1L)
                + " watchdog=" + db.embeddedWatchdog().map(ProcessHandle::pid).orElse(-1L));
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
