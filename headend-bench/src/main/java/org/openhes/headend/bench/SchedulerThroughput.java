package org.openhes.headend.bench;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.openhes.headend.api.config.HeadendConfig;
import org.openhes.headend.api.config.Settings;
import org.openhes.headend.api.jobs.BatchWriter;
import org.openhes.headend.api.node.HeadendNode;
import org.openhes.headend.scheduler.jobs.ClaimedJob;
import org.openhes.headend.scheduler.jobs.JobQueue;
import org.openhes.headend.scheduler.reads.IndexRead;
import org.openhes.headend.scheduler.reads.ReadStore;

/**
 * {@code scheduler}: the database alone, no meters: a daily plan of 1,000,000 meters enqueued, jobs
 * claimed and completed by 4 workers in batches of 500 for {@code --duration}, and read rows stored
 * through the node's read writer (and, for comparison, with a single flusher).
 */
final class SchedulerThroughput implements Scenario {
    @Override
    public void run(BenchParameters p, Map<String, Object> out) throws Exception {
        Path data = TempDirs.create();
        Settings s = Settings.load(Optional.empty(), System.getenv()).with("http.port", "0").with("http.host", "127.0.0.1")
                .with("data.dir", data.toString()).with("read.plan.enabled", "false").with("db.pool", "16")
                .with("worker.max.in.flight", "1");
        try (HeadendNode node = HeadendNode.start(HeadendConfig.from(s), Clock.systemUTC())) {
            node.services().worker().stop(Duration.ofSeconds(5)); // measure the queue alone
            var ds = node.services().db().dataSource();
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                st.execute("""
                        INSERT INTO meters (id, serial, host, port, transport, client_sap, server_sap, auth, labels)
                        SELECT lpad(g::text, 18, '0'), 'S' || g, '127.0.0.1', 4059, 'wrapper', 1, 1, 'none', '{}'::jsonb
                          FROM generate_series(1, 1000000) g
                        """);
            }
            long t0 = System.nanoTime();
            var run = node.services().planner().createRun(LocalDate.now(Rig.ZONE), Instant.now(), Duration.ofHours(4));
            double planSecs = (System.nanoTime() - t0) / 1e9;
            System.err.printf("plan of %d meters enqueued in %.1f s%n", run.total(), planSecs);
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                st.execute("UPDATE jobs SET run_at = now() - interval '1 minute'");
                st.execute("VACUUM ANALYZE jobs");
            }
            double jobsPerSec = claimAndComplete(node.services().jobs(), 4, p.duration());
            var reads = node.services().reads();
            double rowsPerSecOne = storeReads(reads, 1, 0);
            double rowsPerSec = storeReads(reads, HeadendNode.READ_WRITER_FLUSHERS, 1_000_000);
            out.put("sessionsPerSecond", 0);
            out.put("ratio", 1.0);
            out.put("planMeters", run.total());
            out.put("planSeconds", Stats.round(planSecs));
            out.put("jobsClaimedAndCompletedPerSecond", Stats.round(jobsPerSec));
            out.put("readRowsPerSecond", Stats.round(rowsPerSec));
            out.put("readRowsPerSecondOneFlusher", Stats.round(rowsPerSecOne));
            out.put("lost", 0);
        } finally {
            TempDirs.delete(data);
        }
    }

    private static double claimAndComplete(JobQueue queue, int workers, Duration d) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        AtomicLong done = new AtomicLong();
        long until = System.nanoTime() + d.toNanos();
        long t0 = System.nanoTime();
        List<Future<?>> fs = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            String owner = "bench-" + w;
            fs.add(pool.submit(() -> {
                while (System.nanoTime() < until) {
                    List<ClaimedJob> jobs = queue.claim(owner, 500, Duration.ofMinutes(5));
                    if (jobs.isEmpty()) break;
                    queue.finishAll(jobs, Collections.nCopies(jobs.size(), (String) null), owner);
                    done.addAndGet(jobs.size());
                }
                return null;
            }));
        }
        for (Future<?> f : fs) f.get();
        pool.shutdown();
        double jobsPerSec = done.get() / ((System.nanoTime() - t0) / 1e9);
        System.err.printf("claimed and completed %d jobs: %.0f jobs/s%n", done.get(), jobsPerSec);
        return jobsPerSec;
    }

    /**
     * Stores 400,000 read rows (four per meter, handed over as sessions do) through the node's read
     * writer with {@code flushers} flushers; the rows are built before the clock starts. Returns rows/s.
     */
    private static double storeReads(ReadStore reads, int flushers, int firstMeter) throws Exception {
        int meters = 100_000;
        Instant midnight = LocalDate.now(Rig.ZONE).atStartOfDay(Rig.ZONE).toInstant();
        List<List<IndexRead>> perMeter = new ArrayList<>(meters);
        for (int i = firstMeter; i < firstMeter + meters; i++) {
            List<IndexRead> rows = new ArrayList<>(4);
            for (int r = 0; r < 4; r++) {
                rows.add(new IndexRead(String.format("%018d", i + 1), midnight, "1-0:" + (r < 2 ? 1 : 2) + ".8." + (r % 2 + 1) + ".255",
                        BigDecimal.valueOf(1_000_000L + i), "Wh", IndexRead.Source.DAILY_PROFILE));
            }
            perMeter.add(rows);
        }
        long t0 = System.nanoTime();
        try (BatchWriter<IndexRead> writer = HeadendNode.readWriter(reads, flushers)) {
            List<CompletableFuture<Void>> stored = new ArrayList<>(meters);
            for (List<IndexRead> rows : perMeter) stored.add(writer.add(rows));
            CompletableFuture.allOf(stored.toArray(CompletableFuture[]::new)).get();
        }
        double rowsPerSec = meters * 4.0 / ((System.nanoTime() - t0) / 1e9);
        System.err.printf("stored %d read rows through the read writer with %d flusher(s): %.0f rows/s%n", meters * 4, flushers, rowsPerSec);
        return rowsPerSec;
    }
}
