package org.openhes.headend.bench;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.openhes.headend.api.config.HeadendConfig;
import org.openhes.headend.api.config.Settings;
import org.openhes.headend.api.jobs.BatchWriter;
import org.openhes.headend.api.jobs.IntervalCollection;
import org.openhes.headend.api.node.HeadendNode;
import org.openhes.headend.scheduler.meters.Ean;
import org.openhes.headend.scheduler.reads.IntervalStore;
import org.openhes.headend.scheduler.reads.StoredInterval;

/**
 * {@code load-profile}: the database alone, no meters: {@code --meters} meters × 96 intervals (one day)
 * stored through a writer like the node's (multi-row INSERT, then COPY, each against bare COPY) as sessions hand them over (built before the clock starts);
 * then bytes on disk per interval, one meter's month (2,880 intervals) read through the store and through
 * the API, and the fleet's day streamed through the store.
 */
final class LoadProfileStorage implements Scenario {
    private static final String TOKEN = "bench-load-profile-admin-token";

    @Override
    public void run(BenchParameters p, Map<String, Object> out) throws Exception {
        Path data = TempDirs.create();
        Settings s = Settings.load(Optional.empty(), System.getenv()).with("http.port", "0").with("http.host", "127.0.0.1")
                .with("data.dir", data.toString()).with("read.plan.enabled", "false").with("db.pool", "16")
                .with("worker.max.in.flight", "1").with("admin.token", TOKEN);
        try (HeadendNode node = HeadendNode.start(HeadendConfig.from(s), Clock.systemUTC())) {
            IntervalStore store = node.services().intervals();
            LocalDate day = LocalDate.now(Rig.ZONE).minusDays(1);
            Instant midnight = day.atStartOfDay(Rig.ZONE).toInstant();
            // the same volume three ways, each on a day of its own: a writer like the node's through multi-row
            // INSERTs, the same through COPY and a staging INSERT ... SELECT (the node's), and the bound: bare COPY into a table
            // without key, partitions or feed (what this host's PostgreSQL ingests at most)
            double perSecond = storeDay("multi-row INSERT", p.meters(), store::store, day);
            double viaCopy = storeDay("COPY + INSERT ... SELECT", p.meters(), store::storeByCopy, day.minusDays(1));
            double bound = bareCopy(node, p.meters(), day.minusDays(2));
            System.err.printf("ratios to bare COPY: multi-row INSERT %.2f, COPY + INSERT ... SELECT %.2f%n", perSecond / bound, viaCopy / bound);
            try (Connection c = node.services().db().dataSource().getConnection()) {
                c.createStatement().execute("VACUUM ANALYZE load_intervals");
            }
            long[] size = store.sizeAndRows();
            double bytesPerInterval = (double) size[0] / size[1];
            System.err.printf("%d bytes on disk for %d intervals: %.1f bytes per interval%n", size[0], size[1], bytesPerInterval);

            // one meter's month: 30 days before the stored day, registered so that the API knows it
            String meter = ean(0);
            List<StoredInterval> month = new ArrayList<>();
            for (int d = 30; d >= 1; d--) month.addAll(day(meter, day.minusDays(d).atStartOfDay(Rig.ZONE).toInstant(), 0));
            store.store(month);
            register(node, meter);
            Instant from = day.minusDays(30).atStartOfDay(Rig.ZONE).toInstant(), to = midnight;
            double[] storeMs = new double[21], apiMs = new double[21];
            HttpClient http = HttpClient.newHttpClient();
            URI uri = URI.create("http://127.0.0.1:" + node.httpPort() + "/api/v1/meters/" + meter + "/intervals?from=" + from + "&to=" + to);
            int items = 0;
            for (int k = 0; k < storeMs.length; k++) {
                long a = System.nanoTime();
                items = store.forMeter(meter, from.plusSeconds(1), to).size();
                storeMs[k] = (System.nanoTime() - a) / 1e6;
                a = System.nanoTime();
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + TOKEN).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) throw new IllegalStateException("API answered " + r.statusCode() + ": " + r.body());
                apiMs[k] = (System.nanoTime() - a) / 1e6;
            }
            System.err.printf("one meter's month (%d intervals): store median %.1f ms, API median %.1f ms%n", items, median(storeMs), median(apiMs));

            AtomicLong streamed = new AtomicLong();
            long s0 = System.nanoTime();
            store.stream(midnight, midnight.plusSeconds(86_400), i -> streamed.incrementAndGet());
            double streamSecs = (System.nanoTime() - s0) / 1e9;
            System.err.printf("the fleet's day streamed from the store: %d intervals in %.1f s%n", streamed.get(), streamSecs);

            out.put("sessionsPerSecond", 0);
            out.put("ratio", 1.0);
            out.put("meters", p.meters());
            out.put("intervalsStored", p.meters() * 96 * 2);
            out.put("intervalsStoredPerSecond", Stats.round(perSecond));
            out.put("intervalsStoredPerSecondViaCopy", Stats.round(viaCopy));
            out.put("bareCopyIntervalsPerSecond", Stats.round(bound));
            out.put("ratioToBareCopy", Stats.round(perSecond / bound));
            out.put("ratioToBareCopyViaCopy", Stats.round(viaCopy / bound));
            out.put("bytesOnDiskPerInterval", Stats.round(bytesPerInterval));
            out.put("monthIntervals", items);
            out.put("monthViaStoreMsMedian", Stats.round(median(storeMs)));
            out.put("monthViaApiMsMedian", Stats.round(median(apiMs)));
            out.put("fleetDayStreamedIntervalsPerSecond", Stats.round(streamed.get() / streamSecs));
            out.put("lost", 0);
        } finally {
            TempDirs.delete(data);
        }
    }

    /** Stores {@code meters} × 96 intervals of {@code day} through a batch writer like the node's; intervals per second. */
    private static double storeDay(String how, int meters, java.util.function.Function<List<StoredInterval>, Integer> sink, LocalDate day)
            throws Exception {
        Instant midnight = day.atStartOfDay(Rig.ZONE).toInstant();
        List<List<StoredInterval>> perMeter = new ArrayList<>(meters);
        for (int i = 0; i < meters; i++) perMeter.add(day(ean(i), midnight, i));
        long t0 = System.nanoTime();
        try (BatchWriter<StoredInterval> writer = new BatchWriter<>("bench-" + how, sink::apply, 20_000, java.time.Duration.ofMillis(100), 2)) {
            List<CompletableFuture<Void>> stored = new ArrayList<>(meters);
            for (List<StoredInterval> rows : perMeter) stored.add(writer.add(rows));
            CompletableFuture.allOf(stored.toArray(CompletableFuture[]::new)).get();
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        System.err.printf("%s: %d intervals in %.1f s: %.0f intervals/s%n", how, meters * 96, secs, meters * 96.0 / secs);
        return meters * 96.0 / secs;
    }

    /** Bare COPY of the same rows, 20,000 per statement on two connections, into a table with no key. */
    private static double bareCopy(HeadendNode node, int meters, LocalDate day) throws Exception {
        Instant midnight = day.atStartOfDay(Rig.ZONE).toInstant();
        List<String> chunks = new ArrayList<>();
        StringBuilder b = new StringBuilder();
        int rows = 0;
        for (int i = 0; i < meters; i++) {
            for (StoredInterval r : day(ean(i), midnight, i)) {
                b.append(r.meterId()).append('\t').append(r.end()).append('\t').append(r.status()).append('\t')
                        .append(r.importWh().toPlainString()).append('\t').append(r.exportWh().toPlainString()).append("\tnow\n");
                if (++rows % 20_000 == 0) {
                    chunks.add(b.toString());
                    b.setLength(0);
                }
            }
        }
        if (b.length() > 0) chunks.add(b.toString());
        try (Connection c = node.services().db().dataSource().getConnection()) {
            c.createStatement().execute("CREATE TABLE IF NOT EXISTS bench_bare_copy_logged (LIKE load_intervals)");
        }
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        long t0 = System.nanoTime();
        List<CompletableFuture<Void>> copiers = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            copiers.add(CompletableFuture.runAsync(() -> {
                try (Connection c = node.services().db().dataSource().getConnection()) {
                    var copy = c.unwrap(org.postgresql.PGConnection.class).getCopyAPI();
                    for (int k; (k = next.getAndIncrement()) < chunks.size(); ) {
                        copy.copyIn("COPY bench_bare_copy_logged FROM STDIN", new java.io.StringReader(chunks.get(k)));
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        CompletableFuture.allOf(copiers.toArray(CompletableFuture[]::new)).get();
        double secs = (System.nanoTime() - t0) / 1e9;
        System.err.printf("bare COPY (no key, no partitions, no feed): %d intervals in %.1f s: %.0f intervals/s%n", rows, secs, rows / secs);
        try (Connection c = node.services().db().dataSource().getConnection()) {
            c.createStatement().execute("DROP TABLE bench_bare_copy_logged");
        }
        return rows / secs;
    }

    /** A valid EAN-18 for meter {@code i} (the API checks the check digit). */
    private static String ean(int i) {
        String body = "54144920" + String.format("%09d", i);
        return body + Ean.checkDigit(body);
    }

    private static List<StoredInterval> day(String meter, Instant midnight, int i) {
        List<StoredInterval> rows = new ArrayList<>(96);
        long base = 1_000_000L + i * 10L;
        for (int q = 1; q <= 96; q++) {
            rows.add(new StoredInterval(meter, midnight.plusSeconds(900L * q), 0, BigDecimal.valueOf(base + 75L * q), BigDecimal.valueOf(q < 40 ? 0 : 20L * (q - 40))));
        }
        return rows;
    }

    private static void register(HeadendNode node, String meter) throws Exception {
        try (Connection c = node.services().db().dataSource().getConnection(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO meters (id, serial, host, port, transport, client_sap, server_sap, auth, labels)
                VALUES (?, 'S0', '127.0.0.1', 4059, 'wrapper', 1, 1, 'none', '{}'::jsonb)
                """)) {
            ps.setString(1, meter);
            ps.executeUpdate();
        }
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }
}
