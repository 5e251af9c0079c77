package org.openhes.headend.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openhes.headend.api.config.HeadendConfig;
import org.openhes.headend.api.config.Settings;
import org.openhes.headend.api.node.HeadendNode;
import org.openhes.headend.interop.meter.Disconnector;
import org.openhes.headend.interop.meter.Indexes;
import org.openhes.headend.interop.meter.JdlmsMeter;
import org.openhes.headend.interop.meter.MeterSettings;
import org.openhes.headend.interop.meter.MeterTime;

/**
 * The head-end's job handlers (daily read with catch-up and clock check, clock sync, on-demand read,
 * every command) driven through its HTTP API and PostgreSQL against independent jDLMS meters: one
 * registered with its keys, one registered with other keys.
 */
class JobsInteropTest {
    static final String ADMIN = "admin-token-for-the-interop-test";
    static final String GOOD = "541448800000000017", WRONG_KEYS = "541448800000000024";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient http = HttpClient.newHttpClient();
    /** Both the meters and the head-end run on the same ticking clock, set to 3 December 2025. */
    static final Clock CLOCK = Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), HeadendAgainstJdlms.NOW));
    static JdlmsMeter good, other;
    static HeadendNode node;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        good = JdlmsMeter.start(MeterSettings.forTests(CLOCK));
        MeterSettings g = MeterSettings.forTests(CLOCK);
        other = JdlmsMeter.start(new MeterSettings(g.manufacturerId(), g.deviceId() + 1, "IOM0012345678902", g.encryptionKey(),
                g.authenticationKey(), g.masterKey(), g.readerPassword(), CLOCK, MeterSettings.Framing.WRAPPER));
        good.state().time().shift(Duration.ofMinutes(10)); // ahead: the daily read reports it and a job sets it
        Settings s = Settings.of(Map.ofEntries(Map.entry("http.port", "0"), Map.entry("http.host", "127.0.0.1"), Map.entry("push.port", "-1"),
                Map.entry("data.dir", Files.createTempDirectory("interop").toString()), Map.entry("admin.token", ADMIN),
                Map.entry("read.plan.enabled", "false"), Map.entry("worker.poll", "100ms"), Map.entry("retry.base", "200ms"),
                Map.entry("retry.max", "1s"), Map.entry("response.timeout", "3s"),
                Map.entry("master.key", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")));
        String server = System.getProperty("headend.test.db.url");
        if (server != null && !server.isBlank() && !server.startsWith("${")) {
            s = s.with("db.url", freshDatabase(server));
        }
        node = HeadendNode.start(HeadendConfig.from(s), CLOCK);
        base = "http://127.0.0.1:" + node.httpPort();
        HexFormat hex = HexFormat.of().withUpperCase();
        String csv = "meter_id,serial,host,port,transport,client_sap,server_sap,auth,system_title,ek,ak,password,profile,labels\n"
                + GOOD + ",JD1,127.0.0.1," + good.port() + ",wrapper,1,1,hls-gmac," + hex.formatHex(good.systemTitle()) + ","
                + hex.formatHex(g.encryptionKey()) + "," + hex.formatHex(g.authenticationKey()) + ",,emucs,cell=C1\n"
                + WRONG_KEYS + ",JD2,127.0.0.1," + other.port() + ",wrapper,1,1,hls-gmac," + hex.formatHex(other.systemTitle()) + ","
                + "00".repeat(16) + "," + hex.formatHex(g.authenticationKey()) + ",,emucs,cell=C1\n";
        HttpResponse<String> imported = send("POST", "/api/v1/meters/import", csv, "text/csv");
        assertThat(JSON.readTree(imported.body()).get("accepted").asInt()).as(imported.body()).isEqualTo(2);
    }

    /** A new database on the configured PostgreSQL server, so that runs do not see each other's rows. */
    static String freshDatabase(String serverUrl) throws Exception {
        String name = "interop_" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        try (var c = java.sql.DriverManager.getConnection(serverUrl); var st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
        int q = serverUrl.indexOf('?');
        String b = q < 0 ? serverUrl : serverUrl.substring(0, q);
        return b.substring(0, b.lastIndexOf('/') + 1) + name + (q < 0 ? "" : serverUrl.substring(q));
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) node.close();
        if (good != null) good.close();
        if (other != null) other.close();
    }

    static HttpResponse<String> send(String method, String path, String body, String type) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + ADMIN);
        if (type != null) b.header("Content-Type", type);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static void until(Duration limit, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("not within " + limit.toSeconds() + " s: " + what);
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
    }

    static JsonNode json(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + r.body(), e);
        }
    }

    @Test
    void a_daily_read_run_catches_up_forty_days_checks_the_clock_and_dead_letters_the_meter_with_other_keys() throws Exception {
        LocalDate today = CLOCK.instant().atZone(MeterTime.ZONE).toLocalDate();
        JsonNode run = json(send("POST", "/api/v1/read-runs", "{\"date\":\"" + today + "\"}", "application/json"));
        String runPath = "/api/v1/read-runs/" + run.get("id").asLong();
        until(Duration.ofSeconds(60), "the run ends", () -> {
            try {
                return json(send("GET", runPath, null, null)).get("pending").asInt() == 0;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        JsonNode progress = json(send("GET", runPath, null, null));
        assertThat(progress.get("succeeded").asInt()).as(progress.toString()).isEqualTo(1);
        assertThat(progress.get("failed").asInt()).isEqualTo(1);

        // catch-up: the forty midnights the meter keeps, with the values the meter holds
        JsonNode reads = json(send("GET", "/api/v1/meters/" + GOOD + "/daily-reads?from=" + today.minusDays(39) + "&to=" + today, null, null));
        java.util.List<JsonNode> days = new java.util.ArrayList<>();
        reads.get("items").forEach(d -> {
            if (d.get("source").asText().equals("DAILY_PROFILE")) days.add(d);
        });
        assertThat(days).hasSize(40);
        assertThat(reads.toString()).as("the gas index read in the same session").contains("\"obis\":\"0-1:24.2.1.255\"");
        for (JsonNode day : days) {
            Instant at = Instant.parse(day.get("capturedAt").asText());
            Indexes expected = good.indexesAt(at);
            assertThat(day.toString()).contains("\"obis\":\"1-0:1.8.1.255\"");
            for (JsonNode reg : day.get("registers")) {
                long want = switch (reg.get("obis").asText()) {
                    case "1-0:1.8.1.255" -> expected.importDayWh();
                    case "1-0:1.8.2.255" -> expected.importNightWh();
                    case "1-0:2.8.1.255" -> expected.exportDayWh();
                    default -> expected.exportNightWh();
                };
                assertThat(reg.get("value").decimalValue()).isEqualByComparingTo(BigDecimal.valueOf(want));
            }
        }

        // the clock, 10 minutes ahead, was reported and set
        until(Duration.ofSeconds(30), "the meter's clock is set", () -> good.state().time().offset().abs().toSeconds() < 5);
        JsonNode events = json(send("GET", "/api/v1/events?meter=" + GOOD, null, null));
        assertThat(events.toString()).contains("CLOCK_DRIFT");

        // the meter registered with other keys: hung up on twice per attempt, dead after two attempts
        try (var c = node.services().db().dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT state, last_failure_kind, attempts, last_failure FROM jobs WHERE meter_id = '" + WRONG_KEYS + "'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("DEAD");
            assertThat(rs.getString(2)).isEqualTo("AUTHENTICATION_SUSPECTED");
            assertThat(rs.getInt(3)).isEqualTo(2);
            assertThat(rs.getString(4)).contains("on two attempts in a row")
                    .as("worded for an operator of stored meters, who has no flags")
                    .contains("check the meter's keys in the registry, the client system title (client.system.title)").doesNotContain("--");
        }
        assertThat(other.state().counters().refusals()).as("our counters were never behind the meter's").isZero();
    }

    @Test
    void an_on_demand_read_is_answered_inline_with_the_meters_values() throws Exception {
        Instant before = good.state().time().now();
        HttpResponse<String> r = send("POST", "/api/v1/meters/" + GOOD + "/reads?wait=30s", null, null);
        Instant after = good.state().time().now();
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode regs = json(r).at("/result/registers").isMissingNode() ? json(r).get("registers") : json(r).at("/result/registers");
        long importDay = regs.get(0).get("value").asLong();
        assertThat(importDay).isBetween(good.indexesAt(before).importDayWh(), good.indexesAt(after).importDayWh());
    }

    static JsonNode command(String body) throws Exception {
        HttpResponse<String> accepted = send("POST", "/api/v1/meters/" + GOOD + "/commands", body, "application/json");
        assertThat(accepted.statusCode()).as(accepted.body()).isIn(201, 202);
        String id = json(accepted).get("id").asText();
        JsonNode[] last = new JsonNode[1];
        until(Duration.ofSeconds(30), "command " + body + " ends", () -> {
            try {
                last[0] = json(send("GET", "/api/v1/commands/" + id, null, null));
                String status = last[0].get("status").asText();
                return !status.equals("QUEUED") && !status.equals("RUNNING");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        return last[0];
    }

    @Test
    void every_command_reaches_the_meter_and_is_read_back() throws Exception {
        assertThat(command("{\"type\":\"DISCONNECT\"}").get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(good.state().disconnector().controlState()).isEqualTo(Disconnector.DISCONNECTED);
        assertThat(command("{\"type\":\"RECONNECT\"}").at("/result/state/controlState").asText()).isEqualTo("CONNECTED");
        assertThat(good.state().disconnector().outputState()).isTrue();
        JsonNode limit = command("{\"type\":\"SET_POWER_LIMIT\",\"watts\":2300}");
        assertThat(limit.get("status").asText()).as(limit.toString()).isEqualTo("SUCCEEDED");
        assertThat(good.state().thresholdNormalW()).isEqualTo(2300);
        assertThat(command("{\"type\":\"CLEAR_POWER_LIMIT\"}").get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(good.state().thresholdNormalW()).isZero();
        assertThat(command("{\"type\":\"DISPLAY_BALANCE\",\"amount\":\"4.56\",\"currency\":\"EUR\"}").get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(new String(good.state().message(), StandardCharsets.US_ASCII)).isEqualTo("SOLDE 4.56 EUR");
    }
}
