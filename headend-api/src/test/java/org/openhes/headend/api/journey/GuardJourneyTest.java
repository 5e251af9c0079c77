package org.openhes.headend.api.journey;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openhes.headend.api.config.HeadendConfig;
import org.openhes.headend.api.contract.ContractHttpClient;
import org.openhes.headend.api.node.HeadendNode;
import org.openhes.headend.scheduler.commands.CommandStore;
import org.openhes.headend.simulator.MeterState;
import org.openhes.headend.simulator.SimulatedFleet;
import org.openhes.headend.simulator.SimulatorConfig;

/**
 * The disconnection guard through the API, over real TCP and PostgreSQL, on a Saturday morning in
 * Brussels: a weekend holds a disconnection until Monday 08:00, a protected customer gets 2300 W
 * instead, a refusing policy answers 422 naming the rule, an engineer's override with a reason passes
 * and is audited, reconnections are never held, and a window that opened after acceptance holds the
 * command when it is about to run.
 */
class GuardJourneyTest {
    static final ZoneId BXL = ZoneId.of("Europe/Brussels");
    static final String ADMIN = "admin-token-for-the-guard-test";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient http = ContractHttpClient.create();
    /** Saturday 5 December 2026, 10:00 in Brussels, ticking. */
    static final Instant SATURDAY = LocalDateTime.parse("2026-12-05T10:00").atZone(BXL).toInstant();
    static final Clock CLOCK = Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), SATURDAY));
    static SimulatedFleet fleet;
    static HeadendNode node;
    static String base, platform, engineer;

    @BeforeAll
    static void start() throws Exception {
        fleet = SimulatedFleet.start(SimulatorConfig.builder().meters(6).port(0).manualReconnectShare(0).build());
        node = HeadendNode.start(HeadendConfig.from(FaultyFleetTest.settings(Map.of("admin.token", ADMIN))), CLOCK);
        base = "http://127.0.0.1:" + node.httpPort();
        StringWriter csv = new StringWriter();
        fleet.exportCsv(csv);
        String registry = csv.toString().replace(",cell=C0000\n" + fleet.identity(2).ean(), ",cell=C0000\n" + fleet.identity(2).ean())
                .replaceFirst("(" + fleet.identity(1).ean() + ",.*),cell=C0000", "$1,cell=C0000;customer=protected");
        assertThat(send("POST", "/api/v1/meters/import", ADMIN, registry, "text/csv").statusCode()).isEqualTo(200);
        platform = json(send("POST", "/api/v1/tokens", ADMIN, "{\"name\":\"p\",\"role\":\"platform\"}", "application/json")).get("token").asText();
        engineer = json(send("POST", "/api/v1/tokens", ADMIN, "{\"name\":\"e\",\"role\":\"engineer\"}", "application/json")).get("token").asText();
        HttpResponse<String> policy = send("PUT", "/api/v1/guard/policy", ADMIN, """
                {"protectedLabel":"customer=protected","protectedAction":"LIMIT","protectedLimitWatts":2300,
                 "holdWeekends":true,"holdPublicHolidays":true,"dayStart":"08:00","dayEnd":"16:00","periods":[],"windowAction":"HOLD"}""",
                "application/json");
        assertThat(policy.statusCode()).as(policy.body()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
        if (fleet != null) fleet.close();
    }

    static HttpResponse<String> send(String method, String path, String token, String body, String type) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token)
                .header("Idempotency-Key", UUID.randomUUID().toString());
        if (type != null) b.header("Content-Type", type);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    static JsonNode finished(String id) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < until) {
            JsonNode c = json(send("GET", "/api/v1/commands/" + id, ADMIN, null, null));
            String s = c.get("status").asText();
            if (!s.equals("QUEUED") && !s.equals("RUNNING")) return c;
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
        throw new AssertionError("command " + id + " did not end");
    }

    static HttpResponse<String> command(int meter, String token, String body) throws Exception {
        return send("POST", "/api/v1/meters/" + fleet.identity(meter).ean() + "/commands", token, body, "application/json");
    }

    @Test
    void a_weekend_disconnection_is_held_until_monday_eight_and_says_why() throws Exception {
        JsonNode c = json(command(0, platform, "{\"type\":\"DISCONNECT\"}"));
        assertThat(c.get("status").asText()).isEqualTo("HELD");
        assertThat(c.at("/held/rule").asText()).isEqualTo("weekend");
        assertThat(c.at("/held/until").asText()).isEqualTo(LocalDateTime.parse("2026-12-07T08:00").atZone(BXL).toInstant().toString());
        LockSupport.parkNanos(Duration.ofMillis(700).toNanos());
        assertThat(json(send("GET", "/api/v1/commands/" + c.get("id").asText(), platform, null, null)).get("status").asText()).isEqualTo("HELD");
        assertThat(fleet.state(0).outputState()).as("the breaker was not touched").isTrue();
    }

    @Test
    void a_protected_customer_gets_the_power_limit_instead() throws Exception {
        JsonNode accepted = json(command(1, platform, "{\"type\":\"DISCONNECT\"}"));
        assertThat(accepted.get("type").asText()).isEqualTo("SET_POWER_LIMIT");
        assertThat(accepted.at("/params/guard/rule").asText()).isEqualTo("protected-customer");
        JsonNode done = finished(accepted.get("id").asText());
        assertThat(done.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(fleet.state(1).thresholdNormalWatts()).isEqualTo(2300);
        assertThat(fleet.state(1).outputState()).isTrue();
    }

    @Test
    void reconnections_and_limits_are_never_held() throws Exception {
        assertThat(finished(json(command(3, platform, "{\"type\":\"RECONNECT\"}")).get("id").asText()).get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(finished(json(command(3, platform, "{\"type\":\"SET_POWER_LIMIT\",\"watts\":3000}")).get("id").asText())
                .get("status").asText()).isEqualTo("SUCCEEDED");
    }

    @Test
    void an_engineers_override_with_a_reason_passes_and_is_audited_a_platforms_is_forbidden() throws Exception {
        assertThat(command(2, platform, "{\"type\":\"DISCONNECT\",\"guardOverride\":{\"reason\":\"x\"}}").statusCode()).isEqualTo(403);
        HttpResponse<String> noReason = command(2, engineer, "{\"type\":\"DISCONNECT\",\"guardOverride\":{}}");
        assertThat(noReason.statusCode()).isEqualTo(400);
        JsonNode c = json(command(2, engineer, "{\"type\":\"DISCONNECT\",\"guardOverride\":{\"reason\":\"the customer moved out\"}}"));
        assertThat(finished(c.get("id").asText()).get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(fleet.state(2).controlState()).isEqualTo(MeterState.DISCONNECTED);
        assertThat(node.services().guard().store().overrides(UUID.fromString(c.get("id").asText())))
                .containsExactly("engineer: the customer moved out (weekend)");
    }

    @Test
    void a_refusing_policy_answers_422_naming_the_rule() throws Exception {
        try {
            send("PUT", "/api/v1/guard/policy", ADMIN, """
                    {"protectedLabel":"customer=protected","protectedAction":"REFUSE","protectedLimitWatts":2300,
                     "holdWeekends":true,"holdPublicHolidays":true,"dayStart":null,"dayEnd":null,"periods":[],"windowAction":"REFUSE"}""",
                    "application/json");
            HttpResponse<String> r = command(4, platform, "{\"type\":\"GAS_DISCONNECT\"}");
            assertThat(r.statusCode()).isEqualTo(422);
            assertThat(json(r).get("detail").asText()).contains("weekend");
            HttpResponse<String> bad = send("PUT", "/api/v1/guard/policy", ADMIN, """
                    {"protectedLabel":"protected","protectedAction":"LIMIT","protectedLimitWatts":2300,
                     "holdWeekends":true,"holdPublicHolidays":true,"periods":[],"windowAction":"HOLD"}""", "application/json");
            assertThat(bad.statusCode()).isEqualTo(422);
            assertThat(json(bad).get("detail").asText()).contains("key=value");
        } finally {
            send("PUT", "/api/v1/guard/policy", ADMIN, """
                    {"protectedLabel":"customer=protected","protectedAction":"LIMIT","protectedLimitWatts":2300,
                     "holdWeekends":true,"holdPublicHolidays":true,"dayStart":"08:00","dayEnd":"16:00","periods":[],"windowAction":"HOLD"}""",
                    "application/json");
        }
    }

    @Test
    void a_window_opened_after_acceptance_holds_the_command_when_it_is_about_to_run() throws Exception {
        String meter = fleet.identity(5).ean();
        // accepted before the hold existed (straight into the store, as an order accepted earlier would be)
        HttpResponse<String> hold = send("POST", "/api/v1/meters/" + meter + "/disconnection-holds", ADMIN,
                "{\"to\":\"" + CLOCK.instant().plus(Duration.ofDays(30)) + "\",\"reason\":\"medical certificate\"}", "application/json");
        assertThat(hold.statusCode()).as(hold.body()).isEqualTo(201);
        var c = node.services().commands().submit(new CommandStore.NewCommand(meter, "DISCONNECT", "{\"type\":\"DISCONNECT\"}", "platform",
                UUID.randomUUID().toString(), null, null)).command();
        node.services().worker().nudge();
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonNode now;
        do {
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
            now = json(send("GET", "/api/v1/commands/" + c.id(), ADMIN, null, null));
        } while (!now.get("status").asText().equals("HELD") && System.nanoTime() < until);
        assertThat(now.get("status").asText()).isEqualTo("HELD");
        assertThat(now.at("/held/rule").asText()).isEqualTo("meter-hold: medical certificate");
        assertThat(now.get("attempts").asInt()).as("holding spends no attempt").isZero();
        assertThat(fleet.state(5).outputState()).isTrue();
        JsonNode holds = json(send("GET", "/api/v1/meters/" + meter + "/disconnection-holds", platform, null, null));
        assertThat(holds.get("items").get(0).get("reason").asText()).isEqualTo("medical certificate");
    }
}
