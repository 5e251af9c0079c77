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
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openhes.headend.api.config.HeadendConfig;
import org.openhes.headend.api.contract.ContractHttpClient;
import org.openhes.headend.api.node.HeadendNode;
import org.openhes.headend.simulator.MeterState;
import org.openhes.headend.simulator.SimulatedFleet;
import org.openhes.headend.simulator.SimulatorConfig;

/**
 * SET_PUSH_SETUP over real HTTP, PostgreSQL and TCP: the platform points a meter's alarm push setup at
 * the head-end's push listener, the meter holds it, and the meter's next alarm arrives there and becomes
 * an event of that meter. A malformed destination is 400, a value out of range 422.
 */
class PushSetupJourneyTest {
    static final String ADMIN = "admin-token-for-the-push-setup-test";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient http = ContractHttpClient.create();

    @Test
    void the_platform_points_a_meter_at_the_push_listener_and_its_alarm_arrives_as_an_event() throws Exception {
        try (SimulatedFleet fleet = SimulatedFleet.start(SimulatorConfig.builder().meters(2).port(0).manualReconnectShare(0).build());
             HeadendNode node = HeadendNode.start(HeadendConfig.from(FaultyFleetTest.settings(Map.of("admin.token", ADMIN, "push.port", "0"))),
                     Clock.systemUTC())) {
            String base = "http://127.0.0.1:" + node.httpPort();
            StringWriter csv = new StringWriter();
            fleet.exportCsv(csv);
            assertThat(send(base, "POST", "/api/v1/meters/import", csv.toString(), "text/csv").statusCode()).isEqualTo(200);
            String meter = fleet.identity(1).ean();
            String commands = "/api/v1/meters/" + meter + "/commands";

            // refused with the field named
            HttpResponse<String> noDestination = send(base, "POST", commands, "{\"type\":\"SET_PUSH_SETUP\"}", "application/json");
            assertThat(noDestination.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(noDestination.body()).get("field").asText()).isEqualTo("destination");
            assertThat(send(base, "POST", commands, "{\"type\":\"SET_PUSH_SETUP\",\"destination\":\"listener\"}", "application/json").statusCode())
                    .isEqualTo(400);
            assertThat(send(base, "POST", commands, "{\"type\":\"SET_PUSH_SETUP\",\"destination\":\"127.0.0.1:4060\",\"retries\":\"many\"}",
                    "application/json").statusCode()).isEqualTo(400);
            HttpResponse<String> port = send(base, "POST", commands, "{\"type\":\"SET_PUSH_SETUP\",\"destination\":\"127.0.0.1:70000\"}", "application/json");
            assertThat(port.statusCode()).isEqualTo(422);
            assertThat(JSON.readTree(port.body()).get("detail").asText()).contains("port must be from 1 to 65535");
            HttpResponse<String> retries = send(base, "POST", commands,
                    "{\"type\":\"SET_PUSH_SETUP\",\"destination\":\"127.0.0.1:4060\",\"retries\":300}", "application/json");
            assertThat(retries.statusCode()).isEqualTo(422);
            assertThat(JSON.readTree(retries.body()).get("field").asText()).isEqualTo("retries");

            String destination = "127.0.0.1:" + node.pushPort();
            HttpResponse<String> accepted = send(base, "POST", commands, "{\"type\":\"SET_PUSH_SETUP\",\"destination\":\"" + destination
                    + "\",\"randomisationSeconds\":0,\"retries\":2,\"repetitionDelaySeconds\":30}", "application/json");
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            JsonNode done = awaitEnd(base, accepted.headers().firstValue("Location").orElseThrow());
            assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("SUCCEEDED");
            assertThat(done.at("/result/state/destination").asText()).isEqualTo(destination);
            assertThat(done.at("/result/state/retries").asInt()).isEqualTo(2);
            assertThat(fleet.state(1).pushSettings()).isEqualTo(new MeterState.PushSettings(destination, 0, 2, 30));

            fleet.pushAlarm(1, 0x80L); // to the destination the meter holds
            JsonNode events = null;
            long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < until) {
                events = JSON.readTree(send(base, "GET", "/api/v1/events?meter=" + meter, null, null).body());
                if (events.get("items").size() > 0) break;
                Thread.sleep(100);
            }
            assertThat(events.get("items")).hasSize(1);
            assertThat(events.at("/items/0/type").asText()).isEqualTo("PUSH");
            assertThat(events.at("/items/0/payload/values").toString()).contains("128");
            assertThat(send(base, "GET", "/metrics", null, null).body()).contains("headend_commands_total{outcome=\"succeeded\",type=\"SET_PUSH_SETUP\"}");
        }
    }

    private static JsonNode awaitEnd(String base, String location) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            JsonNode c = JSON.readTree(send(base, "GET", location, null, null).body());
            String status = c.get("status").asText();
            if (!status.equals("QUEUED") && !status.equals("RUNNING") || System.nanoTime() > until) return c;
            Thread.sleep(100);
        }
    }

    private static HttpResponse<String> send(String base, String method, String path, String body, String type) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + ADMIN).header("Idempotency-Key", UUID.randomUUID().toString());
        if (type != null) b.header("Content-Type", type);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
