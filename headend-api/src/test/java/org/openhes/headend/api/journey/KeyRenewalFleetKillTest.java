package org.openhes.headend.api.journey;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openhes.headend.scheduler.db.Database;
import org.openhes.headend.scheduler.db.DatabaseSettings;
import org.openhes.headend.scheduler.keys.KeyVault;
import org.openhes.headend.scheduler.keys.MasterKeyRing;
import org.openhes.headend.simulator.SimulatedFleet;
import org.openhes.headend.simulator.SimulatorConfig;

/**
 * A fleet campaign with the head-end killed (SIGKILL) in the middle, its sessions in flight over a slow
 * link, and another node finishing it: every meter ends on the keys the database calls active, each
 * meter took exactly one transfer, and every meter is read afterwards.
 */
class KeyRenewalFleetKillTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String MASTER = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    static final Map<String, String> TIMINGS = Map.of("HEADEND_RETRY_BASE", "300ms", "HEADEND_RETRY_MAX", "1s",
            "HEADEND_KEY_RENEWAL_AUTO_ENABLED", "false");

    @Test
    void aCampaignWhoseNodeIsKilledMidwayIsFinishedByAnotherAndLosesNoMeter() throws Exception {
        int meters = 40;
        Path logs = Files.createTempDirectory("key-renewal-fleet-kill");
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
             SimulatedFleet fleet = SimulatedFleet.start(SimulatorConfig.builder().meters(meters).port(0)
                     .latency(Duration.ofMillis(60), Duration.ofMillis(20)).build())) {
            String url = pg.getJdbcUrl("postgres", "postgres");
            int port = ServeNodes.freePort();
            Process doomed = ServeNodes.start("campaign-doomed", port, url, logs, TIMINGS);
            ServeNodes.awaitReady(port, doomed, logs);
            StringWriter csv = new StringWriter();
            fleet.exportCsv(csv);
            assertThat(ServeNodes.call(port, "POST", "/api/v1/meters/import", csv.toString(), "text/csv").statusCode()).isEqualTo(200);
            long started = System.nanoTime();
            HttpResponse<String> created = ServeNodes.call(port, "POST", "/api/v1/key-renewals", "{\"fleet\":true,\"perMinute\":1200}", "application/json");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
            long campaign = JSON.readTree(created.body()).get("id").asLong();
            // killed once a quarter of the meters took their new keys, others in the middle of theirs
            long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (changed(fleet, meters) < meters / 4 && System.nanoTime() < until) Thread.sleep(20);
            doomed.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            int atKill = changed(fleet, meters);
            System.out.println("killed the node with " + atKill + " of " + meters + " meters on their new keys");
            assertThat(atKill).isLessThan(meters);

            int port2 = ServeNodes.freePort();
            Process survivor = ServeNodes.start("campaign-survivor", port2, url, logs, TIMINGS);
            try (Database db = Database.open(new DatabaseSettings(url, null, null, Path.of("unused"), 2))) {
                ServeNodes.awaitReady(port2, survivor, logs);
                JsonNode p;
                until = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                do {
                    Thread.sleep(300);
                    p = JSON.readTree(ServeNodes.call(port2, "GET", "/api/v1/key-renewals/" + campaign, null, null).body());
                } while (!p.get("finished").asBoolean() && System.nanoTime() < until);
                System.out.printf("campaign of %d meters finished %.1f s after it started, across the kill: %s%n", meters,
                        (System.nanoTime() - started) / 1e9, p);
                assertThat(p.get("succeeded").asInt()).as(p.toString()).isEqualTo(meters);
                KeyVault vault = new KeyVault(db.dataSource(), MasterKeyRing.from(MASTER, null));
                for (int i = 0; i < meters; i++) {
                    String m = fleet.identity(i).ean();
                    assertThat(fleet.keyChanges(i)).as("meter " + i + ": one transfer").isEqualTo(1);
                    assertThat(vault.pending(m)).as("meter " + i).isEmpty();
                    assertThat(vault.active(m).orElseThrow().secrets().ek()).as("meter " + i).isEqualTo(fleet.currentKeys(i)[0]);
                    assertThat(vault.active(m).orElseThrow().secrets().ak()).as("meter " + i).isEqualTo(fleet.currentKeys(i)[1]);
                }
                JsonNode run = JSON.readTree(ServeNodes.call(port2, "POST", "/api/v1/read-runs", "{}", "application/json").body());
                JsonNode progress;
                until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                do {
                    Thread.sleep(300);
                    progress = JSON.readTree(ServeNodes.call(port2, "GET", "/api/v1/read-runs/" + run.get("id").asLong(), null, null).body());
                } while (progress.get("pending").asInt() > 0 && System.nanoTime() < until);
                assertThat(progress.get("succeeded").asInt()).as("every meter read with its new keys").isEqualTo(meters);
            } finally {
                survivor.destroy();
                survivor.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static int changed(SimulatedFleet fleet, int meters) {
        int n = 0;
        for (int i = 0; i < meters; i++) if (fleet.keyChanges(i) > 0) n++;
        return n;
    }
}
