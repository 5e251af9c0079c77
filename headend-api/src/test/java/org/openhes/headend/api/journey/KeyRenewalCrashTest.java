package org.openhes.headend.api.journey;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openhes.headend.api.jobs.KeyRenewal;
import org.openhes.headend.scheduler.db.Database;
import org.openhes.headend.scheduler.db.DatabaseSettings;
import org.openhes.headend.scheduler.keys.KeyVault;
import org.openhes.headend.scheduler.keys.MasterKeyRing;
import org.openhes.headend.simulator.SimulatedFleet;
import org.openhes.headend.simulator.SimulatorConfig;

/**
 * A head-end process killed (halted, no shutdown hook) right after each step of a key renewal, another
 * started on the same database: the meter is never lost. After "stored" the meter still has its old keys
 * and the new node sends the pending ones; after "transferred" and "confirmed" the meter has the new
 * keys the database holds as pending, and the new node finds that out and activates them without
 * sending them again. Every time, the meter is read with the keys the database calls active.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeyRenewalCrashTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String MASTER = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    static final Map<String, String> TIMINGS = Map.of("HEADEND_RETRY_BASE", "300ms", "HEADEND_RETRY_MAX", "1s",
            "HEADEND_KEY_RENEWAL_AUTO_ENABLED", "false");
    EmbeddedPostgres pg;
    SimulatedFleet fleet;
    Database db;
    KeyVault vault;
    Path logs;
    boolean imported;

    @BeforeAll
    void start() throws Exception {
        pg = EmbeddedPostgres.builder().start();
        fleet = SimulatedFleet.start(SimulatorConfig.builder().meters(KeyRenewal.Step.values().length).port(0).build());
        logs = Files.createTempDirectory("key-renewal-crash");
    }

    @AfterAll
    void stop() throws Exception {
        if (db != null) db.close();
        if (fleet != null) fleet.close();
        if (pg != null) pg.close();
    }

    @ParameterizedTest
    @EnumSource(KeyRenewal.Step.class)
    void aHeadEndKilledAfterTheStepLosesNoMeter(KeyRenewal.Step step) throws Exception {
        int i = step.ordinal();
        String meter = fleet.identity(i).ean();
        byte[][] before = fleet.currentKeys(i);
        String url = pg.getJdbcUrl("postgres", "postgres");

        int port = ServeNodes.freePort();
        Map<String, String> crashing = new java.util.HashMap<>(TIMINGS);
        crashing.put("HEADEND_KEY_RENEWAL_CRASH_AT", step.name().toLowerCase(Locale.ROOT));
        Process doomed = ServeNodes.start("doomed-" + step, port, url, logs, crashing);
        ServeNodes.awaitReady(port, doomed, logs);
        if (!imported) {
            StringWriter csv = new StringWriter();
            fleet.exportCsv(csv);
            assertThat(ServeNodes.call(port, "POST", "/api/v1/meters/import", csv.toString(), "text/csv").statusCode()).isEqualTo(200);
            imported = true;
        }
        HttpResponse<String> renewal = ServeNodes.call(port, "POST", "/api/v1/key-renewals", "{\"meterId\":\"" + meter + "\"}", "application/json");
        assertThat(renewal.statusCode()).as(renewal.body()).isEqualTo(202);
        assertThat(doomed.waitFor(60, TimeUnit.SECONDS)).as("the node halts after " + step).isTrue();
        assertThat(doomed.exitValue()).isEqualTo(137);

        // what the crash left: the new keys pending in the database; the meter on the old or the new ones
        KeyVault.KeyVersion pending = vault(url).pending(meter).orElseThrow();
        long until;
        assertThat(vault(url).active(meter).orElseThrow().secrets().ek()).isEqualTo(before[0]);
        boolean transferred = step != KeyRenewal.Step.STORED;
        assertThat(fleet.keyChanges(i)).isEqualTo(transferred ? 1 : 0);
        if (transferred) assertThat(fleet.currentKeys(i)[0]).isEqualTo(pending.secrets().ek());

        // a read queued meanwhile: it runs before the renewal is taken back (its lease must expire first);
        // after "transferred" or "confirmed" the meter refuses the active keys, so it waits for the renewal
        long read = new org.openhes.headend.scheduler.jobs.JobQueue(db.dataSource(), java.time.Clock.systemUTC(),
                new org.openhes.headend.scheduler.jobs.RetryPolicy(Duration.ofMillis(300), Duration.ofSeconds(1)))
                .enqueue(new org.openhes.headend.scheduler.jobs.JobQueue.NewJob(org.openhes.headend.scheduler.jobs.JobType.ON_DEMAND_READ, meter,
                        "{}", java.time.Instant.now(), java.time.Instant.now().plus(Duration.ofMinutes(15)), null, null));

        // a node started on the same database settles it
        int port2 = ServeNodes.freePort();
        Process survivor = ServeNodes.start("survivor-" + step, port2, url, logs, TIMINGS);
        try {
            ServeNodes.awaitReady(port2, survivor, logs);
            until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (vault(url).pending(meter).isPresent() && System.nanoTime() < until) Thread.sleep(200);
            assertThat(vault(url).pending(meter)).as(() -> "the pending version is settled; the job: " + job(meter)).isEmpty();
            KeyVault.KeyVersion active = vault(url).active(meter).orElseThrow();
            assertThat(active.version()).isEqualTo(pending.version());
            assertThat(active.secrets().ek()).isEqualTo(fleet.currentKeys(i)[0]);
            assertThat(active.secrets().ak()).isEqualTo(fleet.currentKeys(i)[1]);
            assertThat(fleet.keyChanges(i)).as("sent once, whatever the crash").isEqualTo(1);
            until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!jobState(read).startsWith("SUCCEEDED") && System.nanoTime() < until) Thread.sleep(200);
            assertThat(jobState(read)).as("the read queued during the renewal is not lost").startsWith("SUCCEEDED");
            // it waited for the renewal (held 30 s, its attempt given back) rather than dying for its keys
            if (transferred) assertThat(Integer.parseInt(jobState(read).split(" ")[1])).as("seconds it was held").isGreaterThanOrEqualTo(25);
            HttpResponse<String> read2 = ServeNodes.call(port2, "POST", "/api/v1/meters/" + meter + "/reads?wait=30s", null, null);
            assertThat(read2.statusCode()).as(read2.body()).isEqualTo(200);
            assertThat(JSON.readTree(read2.body()).get("registers")).hasSize(4);
        } finally {
            survivor.destroy();
            survivor.waitFor(30, TimeUnit.SECONDS);
        }
        // neither node wrote a key to its log
        for (String name : new String[] {"doomed-" + step, "survivor-" + step}) {
            String log = Files.readString(logs.resolve(name + ".log")).toUpperCase(Locale.ROOT);
            for (byte[] k : new byte[][] {before[0], before[1], fleet.currentKeys(i)[0], fleet.currentKeys(i)[1], fleet.masterKey(i)}) {
                assertThat(log).doesNotContain(HexFormat.of().withUpperCase().formatHex(k));
            }
        }
    }

    /** The job's state and how many seconds after its creation it last became due, e.g. "SUCCEEDED 30". */
    private String jobState(long id) {
        try (var c = db.dataSource().getConnection(); var ps = c.prepareStatement(
                "SELECT state || ' ' || round(extract(epoch FROM run_at - created_at))::int FROM jobs WHERE id = ?")) {
            ps.setLong(1, id);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        } catch (Exception e) {
            return e.toString();
        }
    }

    private String job(String meter) {
        try (var c = db.dataSource().getConnection(); var ps = c.prepareStatement(
                "SELECT state, attempts, run_at, last_failure_kind, last_failure, lease_owner FROM jobs WHERE meter_id = ? AND type = 'KEY_RENEWAL'")) {
            ps.setString(1, meter);
            try (var rs = ps.executeQuery()) {
                StringBuilder out = new StringBuilder();
                while (rs.next()) for (int k = 1; k <= 6; k++) out.append(rs.getString(k)).append(k < 6 ? " | " : "\n");
                return out.toString();
            }
        } catch (Exception e) {
            return e.toString();
        }
    }

    private KeyVault vault(String url) {
        if (db == null) db = Database.open(new DatabaseSettings(url, null, null, Path.of("unused"), 2));
        return new KeyVault(db.dataSource(), MasterKeyRing.from(MASTER, null));
    }
}
