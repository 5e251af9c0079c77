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
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.openhes.headend.api.config.HeadendConfig;
import org.openhes.headend.api.contract.ContractHttpClient;
import org.openhes.headend.api.node.HeadendNode;
import org.openhes.headend.simulator.SimulatedFleet;
import org.openhes.headend.simulator.SimulatorConfig;

/** A bulk order over the API: a report per line, repeats and conflicts by key, refusals naming the field, and the commands run. */
class BulkOrdersTest {
    static final String ADMIN = "admin-token-for-the-bulk-test";
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void a_bulk_order_is_reported_line_by_line_and_its_commands_run() throws Exception {
        try (SimulatedFleet fleet = SimulatedFleet.start(SimulatorConfig.builder().meters(4).port(0).build());
             HeadendNode node = HeadendNode.start(HeadendConfig.from(FaultyFleetTest.settings(Map.of("admin.token", ADMIN))), Clock.systemUTC())) {
            String base = "http://127.0.0.1:" + node.httpPort();
            HttpClient http = ContractHttpClient.create();
            StringWriter csv = new StringWriter();
            fleet.exportCsv(csv);
            String registry = csv.toString().replaceFirst("(" + fleet.identity(3).ean() + ",.*),cell=C0000", "$1,cell=C0000;customer=protected");
            http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/meters/import")).header("Authorization", "Bearer " + ADMIN)
                    .header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofString(registry)).build(), HttpResponse.BodyHandlers.ofString());
            String tomorrow = Instant.now().plus(Duration.ofHours(20)).toString();
            String order = String.join("\n",
                    "{\"meterId\":\"" + fleet.identity(0).ean() + "\",\"type\":\"DISPLAY_BALANCE\",\"amount\":\"1.00\",\"idempotencyKey\":\"b-0\"}",
                    "{\"meterId\":\"" + fleet.identity(1).ean() + "\",\"type\":\"DISPLAY_BALANCE\",\"amount\":\"2.00\",\"idempotencyKey\":\"b-1\",\"deadline\":\"" + tomorrow + "\"}",
                    "{\"meterId\":\"" + fleet.identity(0).ean() + "\",\"type\":\"DISPLAY_BALANCE\",\"amount\":\"1.00\",\"idempotencyKey\":\"b-0\"}",
                    "{\"meterId\":\"" + fleet.identity(0).ean() + "\",\"type\":\"DISPLAY_BALANCE\",\"amount\":\"9.99\",\"idempotencyKey\":\"b-0\"}",
                    "{\"meterId\":\"541448899999999990\",\"type\":\"RECONNECT\",\"idempotencyKey\":\"b-4\"}",
                    "{\"meterId\": oops",
                    "{\"meterId\":\"" + fleet.identity(2).ean() + "\",\"type\":\"DISPLAY_BALANCE\",\"amount\":\"1.234\",\"idempotencyKey\":\"b-6\"}",
                    "{\"meterId\":\"" + fleet.identity(3).ean() + "\",\"type\":\"DISCONNECT\",\"idempotencyKey\":\"b-7\"}",
                    "{\"meterId\":\"" + fleet.identity(2).ean() + "\",\"type\":\"RECONNECT\"}");
            HttpRequest post = HttpRequest.newBuilder(URI.create(base + "/api/v1/commands/bulk")).header("Authorization", "Bearer " + ADMIN)
                    .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofString(order)).build();
            JsonNode report = JSON.readTree(http.send(post, HttpResponse.BodyHandlers.ofString()).body());
            assertThat(report.get("lines").asInt()).isEqualTo(9);
            assertThat(report.get("accepted").asInt()).as(report.toString()).isEqualTo(3);
            assertThat(report.get("repeated").asInt()).isEqualTo(1);
            assertThat(report.get("refused").asInt()).isEqualTo(5);
            JsonNode r = report.get("report");
            assertThat(r.get(0).get("status").asText()).isEqualTo("accepted");
            assertThat(r.get(2).get("status").asText()).isEqualTo("repeat");
            assertThat(r.get(2).get("id").asText()).isEqualTo(r.get(0).get("id").asText());
            assertThat(r.get(3).get("field").asText()).isEqualTo("idempotencyKey");
            assertThat(r.get(4).get("reason").asText()).contains("unknown meter");
            assertThat(r.get(5).get("reason").asText()).contains("malformed JSON");
            assertThat(r.get(6).get("field").asText()).isEqualTo("amount");
            assertThat(r.get(7).get("status").asText()).as("the protected customer's DISCONNECT became a limit").isEqualTo("accepted");
            assertThat(r.get(8).get("field").asText()).isEqualTo("idempotencyKey");

            // the same order again: nothing new
            JsonNode again = JSON.readTree(http.send(post, HttpResponse.BodyHandlers.ofString()).body());
            assertThat(again.get("accepted").asInt()).isZero();
            assertThat(again.get("repeated").asInt()).isEqualTo(4);

            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while ((!fleet.state(0).message().equals("SOLDE 1.00 EUR") || fleet.state(3).thresholdNormalWatts() != 2300) && System.nanoTime() < until) {
                LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
            }
            assertThat(fleet.state(0).message()).isEqualTo("SOLDE 1.00 EUR");
            assertThat(fleet.state(3).thresholdNormalWatts()).isEqualTo(2300);
            assertThat(fleet.state(1).message()).as("waits for the meter's next session").isEmpty();
        }
    }
}
