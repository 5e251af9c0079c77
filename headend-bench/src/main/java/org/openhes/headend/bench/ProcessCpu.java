package org.openhes.headend.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.openhes.headend.api.node.HeadendNode;

/** CPU time of this JVM, of another process, and of the embedded PostgreSQL, in nanoseconds. */
final class ProcessCpu {
    private static final long NANOS_PER_TICK = 10_000_000L; // USER_HZ = 100
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private ProcessCpu() {
    }

    static long thisJvm() {
        return OS.getProcessCpuTime();
    }

    /**
     * The embedded PostgreSQL's CPU (its postmaster, its running processes, and through the postmaster's
     * children's times those that ended, e.g. autovacuum workers); 0 for a PostgreSQL server, or without /proc.
     */
    static long embeddedDatabase(HeadendNode node) {
        return node.services().db().embeddedServerProcess().map(postmaster -> {
            long[] own = procTimes(postmaster);
            return (own[0] + own[1] + own[2] + own[3]) * NANOS_PER_TICK + postmaster.descendants().mapToLong(ProcessCpu::of).sum();
        }).orElse(0L);
    }

    /** User + system CPU of one process from /proc/PID/stat; 0 if it ended or there is no /proc. */
    static long of(ProcessHandle p) {
        long[] t = procTimes(p);
        return (t[0] + t[1]) * NANOS_PER_TICK;
    }

    private static long[] procTimes(ProcessHandle p) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(p.pid()), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]), Long.parseLong(f[14])};
        } catch (IOException | RuntimeException e) {
            return new long[4];
        }
    }
}
