package org.openhes.headend.api.journey;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openhes.headend.api.callbacks.CallbackSigner;
import org.openhes.headend.api.config.HeadendConfig;
import org.openhes.headend.api.config.Settings;
import org.openhes.headend.api.contract.ContractHttpClient;
import org.openhes.headend.api.node.HeadendNode;
import org.openhes.headend.simulator.MeterState;
import org.openhes.headend.simulator.SimulatedFleet;
import org.openhes.headend.simulator.SimulatorConfig;

/**
 * The prepayment platform's journey through the whole service: real HTTP, real PostgreSQL, simulated
 * meters over TCP. Reads arrive; the balance runs out (disconnect); top-up (reconnect, one meter
 * stopping at ready_for_reconnection); a protected customer gets a power limit instead, cleared after
 * top-up; the balance is displayed; callbacks arrive signed; the state is read back every time.
 */
class PrepaymentJourneyTest {
    static final String ADMIN = "admin-token-for-the-journey-test";
    static final String CALLBACK_SECRET = "journey-callback-secret";
    static final ZoneId BXL = ZoneId.of("Europe/Brussels");
    static final ObjectMapper JSON = new ObjectMapper();
    static SimulatedFleet fleet;
    static HeadendNode node;
    static HttpServer receiver;
    static final List<String[]> callbacks = new CopyOnWriteArrayList<>();
    static final HttpClient http = ContractHttpClient.create();
    static String base, platform;
    static Path data;

    static final ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs = new ch.qos.logback.core.read.ListAppender<>();

    @BeforeAll
    static void start() throws Exception {
        var root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(ch.qos.logback.classic.Level.DEBUG);
        logs.start();
        root.addAppender(logs);
        Clock clock = Clock.systemUTC();
        fleet = SimulatedFleet.start(SimulatorConfig.builder().meters(10).port(0).clock(clock).manualReconnectShare(0.5).build());
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/callback", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            callbacks.add(new String[] {ex.getRequestHeaders().getFirst(CallbackSigner.HEADER), new String(body, StandardCharsets.UTF_8)});
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        receiver.start();
        data = Files.createTempDirectory("journey");
        Settings s = Settings.of(Map.of("http.port", "0", "http.host", "127.0.0.1", "data.dir", data.toString(),
                "admin.token", ADMIN, "callback.secret", CALLBACK_SECRET, "push.port", "0", "read.plan.enabled", "false", "worker.poll", "100ms",
                "master.key", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="));
        String server = System.getProperty("headend.test.db.url");
        if (server != null && !server.isBlank() && !server.startsWith("${")) s = s.with("db.url", freshDatabase(server));
        node = HeadendNode.start(HeadendConfig.from(s), clock);
        base = "http://127.0.0.1:" + node.httpPort();
        StringWriter csv = new StringWriter();
        fleet.exportCsv(csv);
        HttpResponse<String> imported = send("POST", "/api/v1/meters/import", ADMIN, csv.toString(), "text/csv", null);
        assertThat(imported.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(imported.body()).get("accepted").asInt()).isEqualTo(10);
        HttpResponse<String> token = send("POST", "/api/v1/tokens", ADMIN, "{\"name\":\"prepayment\",\"role\":\"platform\"}", "application/json", null);
        platform = JSON.readTree(token.body()).get("token").asText();
    }

    static String freshDatabase(String serverUrl) throws Exception {
        String name = "journey_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        try (var c = DriverManager.getConnection(serverUrl); var st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
        int q = serverUrl.indexOf('?');
        String b = q < 0 ? serverUrl : serverUrl.substring(0, q);
        return b.substring(0, b.lastIndexOf('/') + 1) + name + (q < 0 ? "" : serverUrl.substring(q));
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
        if (fleet != null) fleet.close();
        if (receiver != null) receiver.stop(0);
    }

    static HttpResponse<String> send(String method, String path, String token, String body, String type, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        if (token != null) b.header("Authorization", "Bearer " + token);
        if (type != null) b.header("Content-Type", type);
        if (headers != null) headers.forEach(b::header);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode command(int meter, String body, String key) throws Exception {
        HttpResponse<String> r = send("POST", "/api/v1/meters/" + fleet.identity(meter).ean() + "/commands", platform, body,
                "application/json", key == null ? null : Map.of("Idempotency-Key", key));
        assertThat(r.statusCode()).as(r.body()).isIn(200, 202);
        String id = JSON.readTree(r.body()).get("id").asText();
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < until) {
            JsonNode c = JSON.readTree(send("GET", "/api/v1/commands/" + id, platform, null, null, null).body());
            String status = c.get("status").asText();
            if (!status.equals("QUEUED") && !status.equals("RUNNING")) return c;
            Thread.sleep(100);
        }
        throw new AssertionError("command " + id + " did not finish");
    }

    @Test
    void theWholeJourney() throws Exception {
        if (journeyRan) return;
        journeyRan = true;
        // 1. The daily reads of every meter arrive.
        HttpResponse<String> run = send("POST", "/api/v1/read-runs", ADMIN, "{}", "application/json", null);
        assertThat(run.statusCode()).isEqualTo(201);
        long runId = JSON.readTree(run.body()).get("id").asLong();
        JsonNode progress;
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        do {
            Thread.sleep(200);
            progress = JSON.readTree(send("GET", "/api/v1/read-runs/" + runId, platform, null, null, null).body());
        } while (progress.get("pending").asInt() > 0 && System.nanoTime() < until);
        assertThat(progress.get("succeeded").asInt()).isEqualTo(10);
        LocalDate today = LocalDate.now(BXL);
        HttpResponse<String> day = send("GET", "/api/v1/daily-reads?date=" + today, platform, null, null, null);
        String[] lines = day.body().strip().split("\n");
        assertThat(lines).hasSize(10);
        JsonNode first = JSON.readTree(lines[0]);
        int index = indexOf(first.get("meterId").asText());
        long[] expected = fleet.indexesAt(index, today.atStartOfDay(BXL).toInstant());
        assertThat(first.get("registers")).hasSize(4);
        for (int k = 0; k < 4; k++) {
            assertThat(new BigDecimal(first.get("registers").get(k).get("value").asText())).isEqualByComparingTo(BigDecimal.valueOf(expected[k]));
        }
        // 40 days came back in the same session (catch-up)
        JsonNode history = JSON.readTree(send("GET", "/api/v1/meters/" + fleet.identity(0).ean() + "/daily-reads?from="
                + today.minusDays(39) + "&to=" + today, platform, null, null, null).body());
        assertThat(history.get("items").size()).isGreaterThanOrEqualTo(40);

        // 2. The balance runs out: disconnect, with a signed callback.
        String cb = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/callback";
        JsonNode off = command(2, "{\"type\":\"DISCONNECT\",\"callbackUrl\":\"" + cb + "\"}", "cut-2");
        assertThat(off.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(off.at("/result/state/outputState").asBoolean(true)).isFalse();
        assertThat(fleet.state(2).outputState()).isFalse();
        // the same key again is the same command; another body with that key is refused
        assertThat(command(2, "{\"type\":\"DISCONNECT\",\"callbackUrl\":\"" + cb + "\"}", "cut-2").get("id")).isEqualTo(off.get("id"));
        HttpResponse<String> conflict = send("POST", "/api/v1/meters/" + fleet.identity(2).ean() + "/commands", platform,
                "{\"type\":\"RECONNECT\"}", "application/json", Map.of("Idempotency-Key", "cut-2"));
        assertThat(conflict.statusCode()).isEqualTo(409);
        awaitCallbacks(1);
        String[] callback = callbacks.get(0);
        assertThat(new CallbackSigner(CALLBACK_SECRET.getBytes(StandardCharsets.UTF_8)).verify(callback[0], callback[1].getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(JSON.readTree(callback[1]).get("status").asText()).isEqualTo("SUCCEEDED");

        // 3. Top-up: reconnect. Meter 2 reconnects remotely; meter 3 only reaches ready_for_reconnection.
        JsonNode on = command(2, "{\"type\":\"RECONNECT\"}", null);
        assertThat(on.at("/result/outcome").asText()).isEqualTo("SUCCEEDED");
        assertThat(fleet.state(2).outputState()).isTrue();
        command(3, "{\"type\":\"DISCONNECT\"}", null);
        JsonNode half = command(3, "{\"type\":\"RECONNECT\"}", null);
        assertThat(half.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(half.at("/result/outcome").asText()).isEqualTo("READY_FOR_RECONNECTION");
        assertThat(fleet.state(3).controlState()).isEqualTo(MeterState.READY_FOR_RECONNECTION);

        // 4. A protected customer: a 2300 W limit instead of a disconnect, cleared after top-up.
        JsonNode limited = command(4, "{\"type\":\"SET_POWER_LIMIT\",\"watts\":2300}", null);
        assertThat(limited.at("/result/state/thresholdWatts").asLong()).isEqualTo(2300);
        assertThat(fleet.state(4).thresholdNormalWatts()).isEqualTo(2300);
        command(4, "{\"type\":\"CLEAR_POWER_LIMIT\"}", null);
        assertThat(fleet.state(4).thresholdNormalWatts()).isZero();

        // 5. The balance is displayed.
        JsonNode shown = command(5, "{\"type\":\"DISPLAY_BALANCE\",\"amount\":\"12.34\",\"currency\":\"EUR\"}", null);
        assertThat(shown.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(fleet.state(5).message()).isEqualTo("SOLDE 12.34 EUR");

        // 6. A field engineer's on-demand read, answered inline.
        HttpResponse<String> now = send("POST", "/api/v1/meters/" + fleet.identity(6).ean() + "/reads?wait=20s&trace=true", ADMIN, null, null, null);
        assertThat(now.statusCode()).as(now.body()).isEqualTo(200);
        assertThat(JSON.readTree(now.body()).get("registers")).hasSize(4);
        JsonNode trace = JSON.readTree(send("GET", "/api/v1/meters/" + fleet.identity(6).ean() + "/trace", ADMIN, null, null, null).body());
        assertThat(trace.at("/items/0/frames").size()).as("the wire trace of the session").isGreaterThanOrEqualTo(6);
        assertThat(trace.at("/items/0/frames/0/direction").asText()).isEqualTo("TX");
        assertThat(trace.at("/items/0/frames/0/pdu").asText()).isEqualTo("AARQ");
        assertThat(trace.at("/items/0/frames/1/pdu").asText()).isEqualTo("AARE");
        assertThat(trace.at("/items/0/outcome").asText()).isEqualTo("SUCCEEDED");
        // deciphered with the session's keys: the registers read are in the trace as the meter sent them
        String decoded = trace.at("/items/0/frames").toString();
        assertThat(decoded).contains("get-response-with-list").contains("1-0:1.8.1.255").contains("double-long-unsigned");
        assertThat(decoded).contains("\"authenticationValue\":\"***(");
        assertThat(send("GET", "/api/v1/meters/" + fleet.identity(6).ean() + "/trace", platform, null, null, null).statusCode()).isEqualTo(403);

        // 7. A meter pushes an alarm: it becomes an event of that meter.
        fleet.pushAlarm(7, new InetSocketAddress("127.0.0.1", node.pushPort()), 0x20L);
        JsonNode events = null;
        long pushUntil = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < pushUntil) {
            events = JSON.readTree(send("GET", "/api/v1/events?meter=" + fleet.identity(7).ean(), platform, null, null, null).body());
            if (events.get("items").size() > 0) break;
            Thread.sleep(100);
        }
        assertThat(events.get("items")).hasSize(1);
        assertThat(events.at("/items/0/type").asText()).isEqualTo("PUSH");
        assertThat(events.at("/items/0/payload/values").toString()).contains("32"); // 0x20, the alarm bits

        // 8. Metrics saw it all.
        String metrics = send("GET", "/metrics", null, null, null, null).body();
        assertThat(metrics).contains("headend_sessions_total{").contains("headend_commands_total{").contains("headend_pool_sessions_max").contains("headend_push_events_total")
                .contains("headend_session_slot_wait_seconds_bucket{")
                .doesNotContain(fleet.identity(0).ean());
        // API requests by route template (the meter id stays a placeholder) and status
        assertThat(metrics).containsPattern("headend_http_request_duration_seconds_count\\{[^}]*route=\"/api/v1/meters/\\{id\\}/commands\"[^}]*status=\"202\"");
    }

    @Test
    void badRequestsAreRefusedWithAReason() throws Exception {
        String meter = "/api/v1/meters/" + fleet.identity(1).ean() + "/commands";
        assertThat(send("GET", "/api/v1/meters", null, null, null, null).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/api/v1/meters", "not-a-token-at-all", null, null, null).statusCode()).isEqualTo(401);
        HttpResponse<String> forbidden = send("GET", "/api/v1/jobs?state=DEAD", platform, null, null, null);
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(forbidden.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        HttpResponse<String> badJson = send("POST", meter, platform, "{\"type\":", "application/json", null);
        assertThat(badJson.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badJson.body()).get("detail").asText()).contains("malformed JSON");
        HttpResponse<String> range = send("POST", meter, platform, "{\"type\":\"SET_POWER_LIMIT\",\"watts\":50}", "application/json", null);
        assertThat(range.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(range.body()).get("field").asText()).isEqualTo("watts");
        HttpResponse<String> amount = send("POST", meter, platform, "{\"type\":\"DISPLAY_BALANCE\",\"amount\":\"12.345\"}", "application/json", null);
        assertThat(JSON.readTree(amount.body()).get("field").asText()).isEqualTo("amount");
        HttpResponse<String> unsupported = send("POST", meter, platform, "{\"type\":\"SELF_DESTRUCT\"}", "application/json", null);
        assertThat(JSON.readTree(unsupported.body()).get("detail").asText()).contains("unsupported command");
        HttpResponse<String> typo = send("POST", meter, platform, "{\"type\":\"SET_POWER_LIMIT\",\"wats\":2300}", "application/json", null);
        assertThat(typo.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(typo.body()).get("field").asText()).isEqualTo("wats");
        HttpResponse<String> wrongType = send("POST", meter, platform, "{\"type\":\"SET_POWER_LIMIT\",\"watts\":\"lots\"}", "application/json", null);
        assertThat(JSON.readTree(wrongType.body()).get("field").asText()).isEqualTo("watts");
        HttpResponse<String> negative = send("POST", meter, platform, "{\"type\":\"SET_POWER_LIMIT\",\"watts\":-2300}", "application/json", null);
        assertThat(negative.statusCode()).isEqualTo(422);
        HttpResponse<String> huge = send("POST", meter, platform, "{\"type\":\"" + "x".repeat(65 * 1024 * 1024) + "\"}", "application/json", null);
        assertThat(huge.statusCode()).isEqualTo(413);
        HttpResponse<String> badImport = send("POST", "/api/v1/meters/import", ADMIN, "id;host\n1;2\n", "text/csv", null);
        assertThat(badImport.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badImport.body()).get("detail").asText()).contains("header must be meter_id,serial");
        // a meter registered with a profile the head-end does not know is refused on its line, the others taken
        StringWriter oneFleet = new StringWriter();
        fleet.exportCsv(oneFleet);
        String[] lines = oneFleet.toString().split("\n");
        String unknownProfile = lines[3].replace(",emucs,", ",vendor-z,");
        HttpResponse<String> mixed = send("POST", "/api/v1/meters/import", ADMIN, lines[0] + "\n" + lines[2] + "\n" + unknownProfile + "\n",
                "text/csv", null);
        JsonNode report = JSON.readTree(mixed.body());
        assertThat(report.toString()).contains("unknown meter profile vendor-z (known: emucs");
        assertThat(report.path("accepted").asInt()).isEqualTo(1);
        HttpResponse<String> unknown = send("GET", "/api/v1/meters/541448899999999990", platform, null, null, null);
        assertThat(unknown.statusCode()).isIn(400, 404);
        String validUnknown = "54144889999999999";
        validUnknown += org.openhes.headend.scheduler.meters.Ean.checkDigit(validUnknown);
        assertThat(send("GET", "/api/v1/meters/" + validUnknown, platform, null, null, null).statusCode()).isEqualTo(404);
        HttpResponse<String> badEan = send("GET", "/api/v1/meters/541448800000000018", platform, null, null, null);
        assertThat(JSON.readTree(badEan.body()).get("detail").asText()).contains("check digit");
        // keys are write-only
        String meterJson = send("GET", "/api/v1/meters/" + fleet.identity(1).ean(), platform, null, null, null).body();
        assertThat(meterJson).doesNotContain("\"ek\"").doesNotContain("\"ak\"").doesNotContain("password");
    }

    @Test
    void noKeyEverAppearsInLogsOrAnswers() throws Exception {
        // the journey logged at DEBUG: sessions, commands, callbacks, the HTTP API
        theWholeJourneyHasRun();
        StringBuilder all = new StringBuilder();
        List<ch.qos.logback.classic.spi.ILoggingEvent> events;
        synchronized (logs) {
            events = new java.util.ArrayList<>(logs.list);
        }
        for (var e : events) {
            all.append(e.getFormattedMessage()).append('\n');
            if (e.getThrowableProxy() != null) all.append(ch.qos.logback.classic.spi.ThrowableProxyUtil.asString(e.getThrowableProxy()));
        }
        all.append(send("GET", "/api/v1/meters?limit=100", ADMIN, null, null, null).body());
        all.append(send("GET", "/api/v1/meters/" + fleet.identity(6).ean() + "/trace", ADMIN, null, null, null).body());
        assertThat(events).as("the suite logged something to scan").isNotEmpty();
        java.util.HexFormat hex = java.util.HexFormat.of();
        for (int i = 0; i < fleet.size(); i++) {
            for (byte[] key : new byte[][] {fleet.identity(i).encryptionKey(), fleet.identity(i).authenticationKey()}) {
                assertThat(all.toString().toLowerCase()).doesNotContain(hex.formatHex(key));
            }
        }
    }

    private static volatile boolean journeyRan;

    static void theWholeJourneyHasRun() throws Exception {
        if (!journeyRan) new PrepaymentJourneyTest().theWholeJourney();
    }

    static int indexOf(String ean) {
        for (int i = 0; i < fleet.size(); i++) if (fleet.identity(i).ean().equals(ean)) return i;
        throw new AssertionError("unknown meter " + ean);
    }

    static void awaitCallbacks(int n) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (callbacks.size() < n && System.nanoTime() < until) Thread.sleep(50);
        assertThat(callbacks).hasSizeGreaterThanOrEqualTo(n);
    }
}
