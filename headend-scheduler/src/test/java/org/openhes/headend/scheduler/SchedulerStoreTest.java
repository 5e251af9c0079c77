package org.openhes.headend.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openhes.headend.scheduler.commands.CommandStore;
import org.openhes.headend.scheduler.counters.InvocationCounters;
import org.openhes.headend.scheduler.db.Database;
import org.openhes.headend.scheduler.jobs.JobQueue;
import org.openhes.headend.scheduler.jobs.RetryPolicy;
import org.openhes.headend.scheduler.keys.KeyVault;
import org.openhes.headend.scheduler.keys.MasterKey;
import org.openhes.headend.scheduler.keys.MeterSecrets;
import org.openhes.headend.scheduler.meters.Ean;
import org.openhes.headend.scheduler.meters.ImportReport;
import org.openhes.headend.scheduler.meters.Meter;
import org.openhes.headend.scheduler.meters.MeterRegistry;
import org.openhes.headend.scheduler.reads.IndexRead;
import org.openhes.headend.scheduler.reads.ReadStore;

/** Meters, keys, counters, reads and commands against a real PostgreSQL. */
class SchedulerStoreTest {
    static Database db;
    static MasterKey master = MasterKey.fromBase64("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");
    static KeyVault vault;
    static MeterRegistry registry;
    static final MutableClock clock = new MutableClock(Instant.parse("2026-11-20T10:00:00Z"));

    @BeforeAll
    static void open() {
        db = TestDatabase.create();
        vault = new KeyVault(db.dataSource(), master);
        registry = new MeterRegistry(db.dataSource(), vault);
    }

    @AfterAll
    static void close() {
        db.close();
    }

    static String ean(int i) {
        String body = "5414488" + String.format("%010d", i);
        return body + Ean.checkDigit(body);
    }

    static String csvLine(int i) {
        return ean(i) + ",S" + i + ",127.1.0." + (i % 250 + 1) + ",4059,wrapper,1,1,hls-gmac,4F48530100000001,"
                + "000102030405060708090A0B0C0D0E0F,101112131415161718191A1B1C1D1E1F,,emucs,cell=C" + (i / 100);
    }

    @Test
    void theEmbeddedDatabaseCommitsDurably() throws Exception {
        // counters are handed out once committed: a commit the server may lose in a crash would hand them out twice
        try (Database embedded = Database.open(new org.openhes.headend.scheduler.db.DatabaseSettings(null, null, null,
                java.nio.file.Files.createTempDirectory("durable"), 2));
             var c = embedded.dataSource().getConnection(); var st = c.createStatement();
             var rs = st.executeQuery("SELECT current_setting('synchronous_commit'), current_setting('fsync')")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("on");
            assertThat(rs.getString(2)).isEqualTo("on");
        }
    }

    @Test
    void eanCheckDigits() {
        assertThat(Ean.valid("541448800000000017")).isTrue();
        assertThat(Ean.problem("541448800000000018")).contains("bad EAN check digit (expected 7)");
        assertThat(Ean.problem("5414488")).contains("18 digits");
    }

    @Test
    void importsGoodLinesAndReportsBadOnes() {
        String csv = MeterRegistry.CSV_HEADER + "\n" + csvLine(1) + "\n" + csvLine(2).replace(ean(2), ean(2).substring(0, 17) + "0")
                + "\n" + csvLine(3).replace(",4059,", ",70000,") + "\n" + csvLine(4) + "\n" + "garbage\n";
        // line 3 has a wrong check digit unless the right one happens to be 0
        ImportReport report = registry.importCsv(new StringReader(csv));
        assertThat(report.rejected()).extracting(ImportReport.Rejection::line).contains(4, 6);
        assertThat(report.rejected()).anySatisfy(r -> assertThat(r.reason()).contains("port out of range"));
        assertThat(report.rejected()).anySatisfy(r -> assertThat(r.reason()).contains("expected 14 fields"));
        Meter m = registry.find(ean(4)).orElseThrow();
        assertThat(m.labels()).containsEntry("cell", "C0");
        assertThat(m.auth()).isEqualTo("hls-gmac");
        assertThat(registry.list("active", "cell=C0", 10, null)).extracting(Meter::id).contains(ean(1), ean(4));
    }

    @Test
    void keysAreEncryptedAtRestAndNeverPrinted() throws Exception {
        registry.importCsv(new StringReader(MeterRegistry.CSV_HEADER + "\n" + csvLine(10)));
        MeterSecrets s = vault.load(ean(10)).orElseThrow();
        assertThat(HexFormat.of().formatHex(s.ek())).isEqualToIgnoringCase("000102030405060708090A0B0C0D0E0F");
        assertThat(s.toString()).doesNotContain("0001020304").contains("***");
        try (var c = db.dataSource().getConnection(); var st = c.createStatement();
             var rs = st.executeQuery("SELECT ciphertext FROM meter_keys WHERE meter_id = '" + ean(10) + "'")) {
            rs.next();
            String stored = HexFormat.of().formatHex(rs.getBytes(1));
            assertThat(stored).doesNotContainIgnoringCase("000102030405060708090a0b0c0d0e0f");
        }
        vault.store(ean(10), new MeterSecrets(new byte[16], new byte[16], null));
        assertThat(vault.load(ean(10)).orElseThrow().ek()).isEqualTo(new byte[16]);
        KeyVault other = new KeyVault(db.dataSource(), MasterKey.fromBase64("ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA="));
        assertThatThrownBy(() -> other.load(ean(10))).hasMessageContaining("master key");
    }

    @Test
    void invocationCountersAreNeverHandedOutTwiceAcrossNodes() throws Exception {
        InvocationCounters nodeA = new InvocationCounters(db.dataSource()), nodeB = new InvocationCounters(db.dataSource());
        Set<Long> seen = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            InvocationCounters node = t % 2 == 0 ? nodeA : nodeB;
            fs.add(pool.submit(() -> {
                for (int k = 0; k < 100; k++) {
                    long first = node.reserve("541448800000000017", 1, 32);
                    for (long v = first; v < first + 32; v++) assertThat(seen.add(v)).as("value %d twice", v).isTrue();
                }
            }));
        }
        for (Future<?> f : fs) f.get();
        pool.shutdown();
        assertThat(seen).hasSize(4 * 100 * 32);
        // a "crash" loses a reserved block: the next node starts after it, never inside it
        long lost = nodeA.reserve("541448800000000017", 1, 32);
        long after = new InvocationCounters(db.dataSource()).reserve("541448800000000017", 1, 32);
        assertThat(after).isGreaterThanOrEqualTo(lost + 32);
        nodeA.advancePast("541448800000000017", 1, 5); // lower than current: ignored
        assertThat(nodeA.reserve("541448800000000017", 1, 1)).isGreaterThan(after);
        nodeA.advancePast("541448800000000017", 1, 1_000_000);
        assertThat(nodeA.reserve("541448800000000017", 1, 1)).isEqualTo(1_000_001);
        assertThat(nodeA.lowestHeadroom()).isPresent();
    }

    @Test
    void dailyCapturesOfManyMetersComeFromOneLookUp() {
        ReadStore reads = new ReadStore(db.dataSource(), clock);
        ZoneId bxl = ZoneId.of("Europe/Brussels");
        Instant nov10 = LocalDate.of(2026, 11, 10).atStartOfDay(bxl).toInstant();
        Instant nov11 = LocalDate.of(2026, 11, 11).atStartOfDay(bxl).toInstant();
        Instant nov12 = LocalDate.of(2026, 11, 12).atStartOfDay(bxl).toInstant();
        reads.store(List.of(
                new IndexRead(ean(2), nov10, "1-0:1.8.1.255", BigDecimal.ONE, "Wh", IndexRead.Source.DAILY_PROFILE),
                new IndexRead(ean(2), nov10, "1-0:1.8.2.255", BigDecimal.TWO, "Wh", IndexRead.Source.DAILY_PROFILE),
                new IndexRead(ean(2), nov12, "1-0:1.8.1.255", BigDecimal.TEN, "Wh", IndexRead.Source.DAILY_PROFILE),
                new IndexRead(ean(3), nov11, "1-0:1.8.1.255", BigDecimal.ONE, "Wh", IndexRead.Source.ON_DEMAND),
                new IndexRead(ean(3), LocalDate.of(2026, 11, 9).atStartOfDay(bxl).toInstant(), "1-0:1.8.1.255",
                        BigDecimal.ONE, "Wh", IndexRead.Source.DAILY_PROFILE)));
        Map<String, Set<Instant>> have = reads.dailyCaptures(List.of(ean(2), ean(3), ean(4)), nov10, nov12.plusSeconds(1));
        assertThat(have).containsOnlyKeys(ean(2), ean(3), ean(4));
        assertThat(have.get(ean(2))).containsExactlyInAnyOrder(nov10, nov12); // two registers of one day: one day
        assertThat(have.get(ean(3))).isEmpty(); // an on-demand read and a day before the range do not count
        assertThat(have.get(ean(4))).isEmpty(); // a meter with no reads at all
    }

    @Test
    void readsAreStoredOnceInMonthlyPartitions() throws Exception {
        ReadStore reads = new ReadStore(db.dataSource(), clock);
        ZoneId bxl = ZoneId.of("Europe/Brussels");
        List<IndexRead> batch = new ArrayList<>();
        for (int d = 0; d < 40; d++) {
            Instant midnight = LocalDate.of(2026, 10, 15).plusDays(d).atStartOfDay(bxl).toInstant();
            batch.add(new IndexRead(ean(1), midnight, "1-0:1.8.1.255", BigDecimal.valueOf(1000 + d), "Wh", IndexRead.Source.DAILY_PROFILE));
        }
        assertThat(reads.store(batch)).isEqualTo(40);
        assertThat(reads.store(batch)).isZero();
        assertThat(reads.forMeter(ean(1), LocalDate.of(2026, 11, 1), LocalDate.of(2026, 11, 1), bxl))
                .singleElement().satisfies(r -> assertThat(r.value()).isEqualByComparingTo("1017"));
        assertThat(reads.missingDays(ean(1), LocalDate.of(2026, 11, 20), LocalDate.of(2026, 11, 26), bxl))
                .containsExactly(LocalDate.of(2026, 11, 24), LocalDate.of(2026, 11, 25), LocalDate.of(2026, 11, 26));
        try (var c = db.dataSource().getConnection(); var st = c.createStatement();
             var rs = st.executeQuery("SELECT count(*) FROM daily_reads_2026_11")) {
            rs.next();
            assertThat(rs.getInt(1)).isGreaterThan(0);
        }
        List<IndexRead> day = new ArrayList<>();
        reads.streamDay(LocalDate.of(2026, 11, 2), bxl, day::add);
        assertThat(day).hasSize(1);
    }

    @Test
    void commandsAreIdempotentPerCaller() {
        registry.importCsv(new StringReader(MeterRegistry.CSV_HEADER + "\n" + csvLine(20)));
        JobQueue jobs = new JobQueue(db.dataSource(), clock, RetryPolicy.defaults());
        CommandStore commands = new CommandStore(db.dataSource(), jobs, clock);
        var n = new CommandStore.NewCommand(ean(20), "DISCONNECT", "{}", "platform", "key-1", null, null);
        var first = commands.submit(n);
        var again = commands.submit(n);
        assertThat(first.created()).isTrue();
        assertThat(again.created()).isFalse();
        assertThat(again.command().id()).isEqualTo(first.command().id());
        assertThat(first.command().status()).isEqualTo("QUEUED");
        assertThatThrownBy(() -> commands.submit(new CommandStore.NewCommand(ean(20), "RECONNECT", "{}", "platform", "key-1", null, null)))
                .isInstanceOf(CommandStore.IdempotencyConflict.class);
        // another caller may use the same key
        assertThat(commands.submit(new CommandStore.NewCommand(ean(20), "RECONNECT", "{}", "engineer", "key-1", null, null)).created()).isTrue();
    }
}
