package org.openhes.headend.api.journey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openhes.headend.api.journey.ServeNodes.awaitReady;
import static org.openhes.headend.api.journey.ServeNodes.call;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openhes.headend.simulator.SimulatedFleet;
import org.openhes.headend.simulator.SimulatorConfig;

/**
 * Two `serve` processes on one database; one is killed with SIGKILL in the middle of a read run and a
 * command burst. The other takes over its leases: every accepted command ends SUCCEEDED or FAILED
 * with a reason, every meter is read, no read is stored twice, and no invocation counter is reused
 * (the simulated meters reject replays, which would show as failed sessions).
 */
class NodeDeathTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Map<String, String> RETRIES = Map.of("HEADEND_RETRY_BASE", "500ms", "HEADEND_RETRY_MAX", "2s");

    @Test
    void theSurvivorFinishesTheWorkOfAKilledNode() throws Exception {
        Path logs = Files.createTempDirectory("node-death");
        int meters = 240, commands = 40;
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
             SimulatedFleet fleet = SimulatedFleet.start(SimulatorConfig.builder().meters(meters).port(0)
                     .latency(Duration.ofMillis(250), Duration.ofMillis(50)).build())) {
            String url = pg.getJdbcUrl("postgres", "postgres");
            int portA = ServeNodes.freePort(), portB = ServeNodes.freePort();
            Process a = ServeNodes.start("node-a", portA, url, logs, RETRIES);
            awaitReady(portA, a, logs); // node A migrates the schema first
            Process b = ServeNodes.start("node-b", portB, url, logs, RETRIES);
            try {
                awaitReady(portB, b, logs);
                StringWriter csv = new StringWriter();
                fleet.exportCsv(csv);
                assertThat(call(portA, "POST", "/api/v1/meters/import", csv.toString(), "text/csv").statusCode()).isEqualTo(200);
                // balance displays that wait for their meter's daily read and ride in its session
                String tomorrow = java.time.Instant.now().plus(Duration.ofHours(20)).toString();
                List<String> displays = new ArrayList<>();
                for (int i = commands; i < 2 * commands; i++) {
                    HttpResponse<String> r = call(i % 2 == 0 ? portA : portB, "POST", "/api/v1/meters/" + fleet.identity(i).ean() + "/commands",
                            "{\"type\":\"DISPLAY_BALANCE\",\"amount\":\"" + i + ".00\",\"deadline\":\"" + tomorrow + "\"}", "application/json");
                    assertThat(r.statusCode()).isEqualTo(202);
                    displays.add(JSON.readTree(r.body()).get("id").asText());
                }
                JsonNode run = JSON.readTree(call(portA, "POST", "/api/v1/read-runs", "{}", "application/json").body());
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < commands; i++) {
                    HttpResponse<String> r = call(i % 2 == 0 ? portA : portB, "POST", "/api/v1/meters/" + fleet.identity(i).ean() + "/commands",
                            "{\"type\":\"SET_POWER_LIMIT\",\"watts\":2300}", "application/json");
                    assertThat(r.statusCode()).isEqualTo(202);
                    ids.add(JSON.readTree(r.body()).get("id").asText());
                }
                long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (JSON.readTree(call(portB, "GET", "/api/v1/read-runs/" + run.get("id").asLong(), null, null).body()).get("succeeded").asInt() < 40
                        && System.nanoTime() < until) {
                    Thread.sleep(50);
                }
                a.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, leases left behind
                System.out.println("killed node-a in the middle of the run");

                JsonNode progress;
                until = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                do {
                    Thread.sleep(300);
                    progress = JSON.readTree(call(portB, "GET", "/api/v1/read-runs/" + run.get("id").asLong(), null, null).body());
                } while (progress.get("pending").asInt() > 0 && System.nanoTime() < until);
                int finished = 0;
                until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (finished < commands && System.nanoTime() < until) {
                    finished = 0;
                    for (String id : ids) {
                        String status = JSON.readTree(call(portB, "GET", "/api/v1/commands/" + id, null, null).body()).get("status").asText();
                        if (status.equals("SUCCEEDED") || status.equals("FAILED")) finished++;
                    }
                    if (finished < commands) Thread.sleep(300);
                }
                int shown = 0;
                until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (shown < commands && System.nanoTime() < until) {
                    shown = 0;
                    for (String id : displays) {
                        if (JSON.readTree(call(portB, "GET", "/api/v1/commands/" + id, null, null).body()).get("status").asText().equals("SUCCEEDED")) shown++;
                    }
                    if (shown < commands) Thread.sleep(300);
                }
                System.out.println("after the kill: " + progress + ", commands finished " + finished + "/" + commands
                        + ", balance displays riding the reads " + shown + "/" + commands);
                assertThat(shown).as("every balance display that joined a read ran, whichever node died").isEqualTo(commands);
                for (int i = commands; i < 2 * commands; i++) {
                    assertThat(fleet.state(i).message()).isEqualTo("SOLDE " + i + ".00 EUR");
                }
                assertThat(progress.get("pending").asInt()).isZero();
                assertThat(progress.get("succeeded").asInt()).isEqualTo(meters);
                assertThat(finished).as("every accepted command ends").isEqualTo(commands);
                try (Connection c = DriverManager.getConnection(url); var st = c.createStatement()) {
                    try (ResultSet rs = st.executeQuery("SELECT count(*) FROM commands WHERE status <> 'SUCCEEDED'")) {
                        rs.next();
                        assertThat(rs.getInt(1)).as("commands that did not succeed").isZero();
                    }
                    try (ResultSet rs = st.executeQuery("SELECT count(*) FROM (SELECT command_id FROM command_history WHERE status = 'SUCCEEDED' "
                            + "GROUP BY command_id HAVING count(*) > 1) twice")) {
                        rs.next();
                        assertThat(rs.getInt(1)).as("commands recorded as succeeded twice").isZero();
                    }
                    try (ResultSet rs = st.executeQuery("SELECT count(*) FROM jobs WHERE type = 'COMMAND' AND rides_on IS NOT NULL")) {
                        rs.next();
                        System.out.println("commands that ran in another job's session: " + rs.getInt(1));
                        assertThat(rs.getInt(1)).as("balance displays joined the daily reads' sessions").isPositive();
                    }
                    try (ResultSet rs = st.executeQuery("SELECT count(*) - count(DISTINCT (meter_id, obis, captured_at)) FROM daily_reads")) {
                        rs.next();
                        assertThat(rs.getInt(1)).as("reads stored twice").isZero();
                    }
                    try (ResultSet rs = st.executeQuery("SELECT count(*) FROM jobs WHERE last_failure_kind IN "
                            + "('AUTHENTICATION_FAILED', 'INVOCATION_COUNTER_OUT_OF_SYNC')")) {
                        rs.next();
                        assertThat(rs.getInt(1)).as("sessions refused for a reused counter").isZero();
                    }
                    try (ResultSet rs = st.executeQuery("SELECT count(*) FROM jobs WHERE last_failure_kind = 'LEASE_EXPIRED'")) {
                        rs.next();
                        System.out.println("jobs taken over from node-a: " + rs.getInt(1));
                        assertThat(rs.getInt(1)).as("node-a held jobs when it died").isPositive();
                    }
                }
            } finally {
                a.destroyForcibly();
                b.destroy();
                b.waitFor();
            }
        }
    }
}
