package org.openhes.headend.api.journey;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openhes.headend.api.config.HeadendConfig;
import org.openhes.headend.api.contract.ContractHttpClient;
import org.openhes.headend.api.node.HeadendNode;
import org.openhes.headend.scheduler.meters.Ean;
import org.openhes.headend.simulator.SimulatedFleet;
import org.openhes.headend.simulator.SimulatorConfig;

/**
 * The API's HTTP semantics, over real HTTP and PostgreSQL with simulated meters: a polled command or
 * read run carries a strong ETag and is answered 304 while it has not changed, an unknown id in a path
 * is a 404 problem, a creation is 201 (202 for an asynchronous command) with a Location that can be
 * fetched, a malformed request is 400 and a well-formed one with a refused value 422.
 */
class HttpSemanticsTest {
    static final String ADMIN = "admin-token-for-the-semantics-test";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient http = ContractHttpClient.create();
    static SimulatedFleet fleet;
    static HeadendNode node;
    /** A meter address that accepts connections and never answers: its reads stay pending (each attempt waits the response timeout), then die. */
    static ServerSocket blackHole;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        fleet = SimulatedFleet.start(SimulatorConfig.builder().meters(2).port(0).manualReconnectShare(0).build());
        node = HeadendNode.start(HeadendConfig.from(FaultyFleetTest.settings(Map.of("admin.token", ADMIN))), Clock.systemUTC());
        base = "http://127.0.0.1:" + node.httpPort();
        StringWriter csv = new StringWriter();
        fleet.exportCsv(csv);
        assertThat(send("POST", "/api/v1/meters/import", csv.toString(), "text/csv", null).statusCode()).isEqualTo(200);
        blackHole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        HttpResponse<String> silent = send("POST", "/api/v1/meters", "{\"id\":\"" + ean("54144887777777777") + "\",\"host\":\"127.0.0.1\",\"port\":"
                + blackHole.getLocalPort() + ",\"auth\":\"none\"}", "application/json", null);
        assertThat(silent.statusCode()).as(silent.body()).isEqualTo(201);
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) node.close();
        if (fleet != null) fleet.close();
        if (blackHole != null) blackHole.close();
    }

    static String ean(String body17) {
        return body17 + Ean.checkDigit(body17);
    }

    static HttpResponse<String> send(String method, String path, String body, String type, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + ADMIN);
        if (type != null) b.header("Content-Type", type);
        if (headers != null) headers.forEach(b::header);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String path, String ifNoneMatch) throws Exception {
        return send("GET", path, null, null, ifNoneMatch == null ? null : Map.of("If-None-Match", ifNoneMatch));
    }

    static String etag(HttpResponse<String> r) {
        String tag = r.headers().firstValue("ETag").orElse(null);
        assertThat(tag).as("a strong ETag on %s", r.uri()).isNotNull().matches("\"[0-9a-f]{32}\"");
        return tag;
    }

    /**
     * Polls {@code path} with If-None-Match of the last tag seen until {@code done}: each 304 keeps the
     * tag, each 200 brings another tag. Returns the last 200.
     */
    static HttpResponse<String> pollUntil(String path, HttpResponse<String> from, Predicate<JsonNode> done, Duration within) throws Exception {
        HttpResponse<String> last = from;
        long until = System.nanoTime() + within.toNanos();
        while (!done.test(JSON.readTree(last.body()))) {
            assertThat(System.nanoTime()).as("%s did not reach the awaited state: %s", path, last.body()).isLessThan(until);
            Thread.sleep(100);
            HttpResponse<String> r = get(path, etag(last));
            if (r.statusCode() == 304) {
                assertThat(r.body()).isEmpty();
                assertThat(etag(r)).isEqualTo(etag(last));
                continue;
            }
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(etag(r)).as("a changed representation, a new tag").isNotEqualTo(etag(last));
            assertThat(r.body()).isNotEqualTo(last.body());
            last = r;
        }
        return last;
    }

    @Test
    void a_polled_command_is_not_modified_until_it_succeeds() throws Exception {
        String notBefore = Instant.now().plusSeconds(3).toString();
        HttpResponse<String> submitted = send("POST", "/api/v1/meters/" + fleet.identity(0).ean() + "/commands",
                "{\"type\":\"SET_POWER_LIMIT\",\"watts\":2300,\"notBefore\":\"" + notBefore + "\"}", "application/json",
                Map.of("Idempotency-Key", UUID.randomUUID().toString()));
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
        String location = submitted.headers().firstValue("Location").orElseThrow();
        assertThat(location).isEqualTo("/api/v1/commands/" + JSON.readTree(submitted.body()).get("id").asText());

        HttpResponse<String> queued = get(location, null);
        assertThat(queued.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(queued.body()).get("status").asText()).isEqualTo("QUEUED"); // until notBefore
        String tag = etag(queued);
        assertThat(get(location, null).headers().firstValue("ETag")).as("the same representation, the same tag").hasValue(tag);
        for (String matching : new String[] {tag, "\"0123\", " + tag, "W/" + tag, "*"}) {
            HttpResponse<String> same = get(location, matching);
            assertThat(same.statusCode()).as("If-None-Match: %s", matching).isEqualTo(304);
            assertThat(same.body()).isEmpty();
            assertThat(same.headers().firstValue("ETag")).hasValue(tag);
        }
        HttpResponse<String> other = get(location, "\"0123\", W/\"4567\"");
        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(other.body()).get("id").asText()).isEqualTo(JSON.readTree(queued.body()).get("id").asText());

        HttpResponse<String> done = pollUntil(location, queued, c -> c.get("status").asText().equals("SUCCEEDED"), Duration.ofSeconds(30));
        HttpResponse<String> changed = get(location, tag);
        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(etag(changed)).isNotEqualTo(tag).isEqualTo(etag(done));
        assertThat(JSON.readTree(changed.body()).get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(get(location, etag(done)).statusCode()).isEqualTo(304);
    }

    @Test
    void a_polled_read_run_is_not_modified_until_it_progresses() throws Exception {
        HttpResponse<String> created = send("POST", "/api/v1/read-runs", "{}", "application/json", null);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        long id = JSON.readTree(created.body()).get("id").asLong();
        String location = created.headers().firstValue("Location").orElseThrow();
        assertThat(location).isEqualTo("/api/v1/read-runs/" + id);
        HttpResponse<String> again = send("POST", "/api/v1/read-runs", "{}", "application/json", null);
        assertThat(again.statusCode()).as("the day's run already exists").isEqualTo(200);
        assertThat(again.headers().firstValue("Location")).hasValue(location);

        HttpResponse<String> first = get(location, null);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(first.body()).get("total").asInt()).isEqualTo(3);
        assertThat(JSON.readTree(first.body()).get("pending").asInt()).as("the silent meter's read is still pending").isPositive();
        String tag = etag(first);

        HttpResponse<String> ended = pollUntil(location, first, p -> p.get("pending").asInt() == 0, Duration.ofSeconds(90));
        assertThat(JSON.readTree(ended.body()).get("succeeded").asInt()).isEqualTo(2);
        assertThat(JSON.readTree(ended.body()).get("failed").asInt()).isEqualTo(1);
        HttpResponse<String> changed = get(location, tag);
        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(etag(changed)).isNotEqualTo(tag);
        HttpResponse<String> same = get(location, etag(ended));
        assertThat(same.statusCode()).isEqualTo(304);
        assertThat(same.body()).isEmpty();

        // a job that is not dead cannot be re-queued (409); an unknown one is not found (404, below)
        JsonNode succeeded = JSON.readTree(get("/api/v1/jobs?state=SUCCEEDED", null).body());
        long jobId = succeeded.at("/items/0/id").asLong();
        assertThat(send("POST", "/api/v1/jobs/" + jobId + "/requeue", null, null, null).statusCode()).isEqualTo(409);
    }

    @Test
    void an_unknown_id_in_a_path_is_a_404_problem() throws Exception {
        String unknownMeter = ean("54144886666666666");
        String known = fleet.identity(1).ean();
        String[][] routes = {
            {"GET", "/api/v1/meters/" + unknownMeter},
            {"POST", "/api/v1/meters/" + unknownMeter + "/commands"},
            {"GET", "/api/v1/meters/" + unknownMeter + "/disconnection-holds"},
            {"GET", "/api/v1/commands/" + UUID.randomUUID()},
            {"GET", "/api/v1/read-runs/987654321"},
            {"POST", "/api/v1/jobs/987654321/requeue"},
            {"DELETE", "/api/v1/meters/" + known + "/disconnection-holds/987654321"},
            {"GET", "/api/v1/subscriptions/" + UUID.randomUUID()},
            {"POST", "/api/v1/subscriptions/" + UUID.randomUUID() + "/resume"},
            {"DELETE", "/api/v1/subscriptions/" + UUID.randomUUID()},
        };
        for (String[] r : routes) {
            HttpResponse<String> a = send(r[0], r[1], r[0].equals("POST") ? "{\"type\":\"RECONNECT\"}" : null, "application/json", null);
            assertThat(a.statusCode()).as("%s %s: %s", r[0], r[1], a.body()).isEqualTo(404);
            assertThat(a.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
            JsonNode problem = JSON.readTree(a.body());
            assertThat(problem.get("status").asInt()).isEqualTo(404);
            assertThat(problem.get("title").asText()).isEqualTo("Not found");
            assertThat(problem.get("instance").asText()).isEqualTo(r[1]);
        }
    }

    @Test
    void a_created_meter_answers_201_with_a_location_that_can_be_fetched() throws Exception {
        String id = ean("54144885555555555");
        HttpResponse<String> created = send("POST", "/api/v1/meters", "{\"id\":\"" + id + "\",\"host\":\"127.0.0.1\",\"port\":4059,"
                + "\"auth\":\"none\",\"status\":\"suspended\",\"labels\":{\"site\":\"lab\"}}", "application/json", null);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String location = created.headers().firstValue("Location").orElseThrow();
        assertThat(location).isEqualTo("/api/v1/meters/" + id);
        HttpResponse<String> fetched = get(location, null);
        assertThat(fetched.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(fetched.body())).isEqualTo(JSON.readTree(created.body()));
        assertThat(JSON.readTree(fetched.body()).get("status").asText()).isEqualTo("suspended");
    }

    @Test
    void malformed_is_400_a_refused_value_is_422() throws Exception {
        String commands = "/api/v1/meters/" + fleet.identity(1).ean() + "/commands";
        assertThat(send("POST", commands, "{\"type\":", "application/json", null).statusCode()).isEqualTo(400);
        assertThat(send("POST", commands, "{\"type\":\"SET_POWER_LIMIT\",\"watts\":\"lots\"}", "application/json", null).statusCode()).isEqualTo(400);
        assertThat(send("POST", commands, "{\"type\":\"SET_POWER_LIMIT\",\"wats\":2300}", "application/json", null).statusCode()).isEqualTo(400);
        HttpResponse<String> range = send("POST", commands, "{\"type\":\"SET_POWER_LIMIT\",\"watts\":50}", "application/json", null);
        assertThat(range.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(range.body()).get("field").asText()).isEqualTo("watts");
        HttpResponse<String> past = send("POST", commands, "{\"type\":\"RECONNECT\",\"deadline\":\"2020-01-01T00:00:00Z\"}", "application/json", null);
        assertThat(past.statusCode()).isEqualTo(422);
        assertThat(send("GET", "/api/v1/commands/not-a-uuid", null, null, null).statusCode()).isEqualTo(400);
        assertThat(send("GET", "/api/v1/subscriptions/not-a-uuid", null, null, null).statusCode()).isEqualTo(400);
        assertThat(send("GET", "/api/v1/read-runs/x", null, null, null).statusCode()).isEqualTo(400);
    }
}
