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
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openhes.headend.api.config.HeadendConfig;
import org.openhes.headend.api.contract.ApiContract;
import org.openhes.headend.api.contract.ContractHttpClient;
import org.openhes.headend.api.contract.ContractLedger;
import org.openhes.headend.api.node.HeadendNode;
import org.openhes.headend.scheduler.meters.Ean;
import org.openhes.headend.simulator.SimulatedFleet;
import org.openhes.headend.simulator.SimulatorConfig;

/**
 * The API against its document, as a whole: the routes served are exactly the operations documented;
 * each operation answers each role as its {@code x-roles} say (and 401 without a token); and a tour as
 * the platform, an operator, an engineer and an admin calls every documented operation successfully,
 * each answer checked by the contract client.
 */
class ContractTourTest {
    static final String ADMIN = "admin-token-for-the-contract-tour";
    static final ObjectMapper JSON = new ObjectMapper();
    static final ApiContract CONTRACT = ApiContract.document();
    static final HttpClient http = ContractHttpClient.create();
    static final ZoneId BXL = ZoneId.of("Europe/Brussels");
    static SimulatedFleet fleet;
    static HeadendNode node;
    static String base;
    static final Map<String, String> tokens = new LinkedHashMap<>();
    /** A meter whose address refuses connections: its read dies, giving a dead job to re-queue. */
    static ServerSocket closed;
    static String unreachable;

    /** The ledger before this class's first request: what the class proves is counted from here. */
    static Map<String, Long> before;

    @BeforeAll
    static void start() throws Exception {
        before = new HashMap<>(ContractLedger.checked());
        fleet = SimulatedFleet.start(SimulatorConfig.builder().meters(3).port(0).manualReconnectShare(0).build());
        node = HeadendNode.start(HeadendConfig.from(FaultyFleetTest.settings(Map.of("admin.token", ADMIN))), Clock.systemUTC());
        base = "http://127.0.0.1:" + node.httpPort();
        tokens.put("admin", ADMIN);
        for (String role : List.of("platform", "engineer", "operator")) {
            HttpResponse<String> t = send("POST", "/api/v1/tokens", ADMIN, "{\"name\":\"" + role + "\",\"role\":\"" + role + "\"}", "application/json");
            assertThat(t.statusCode()).isEqualTo(201);
            tokens.put(role, JSON.readTree(t.body()).get("token").asText());
        }
        closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        int port = closed.getLocalPort();
        closed.close(); // nothing listens there any more: connections are refused at once
        unreachable = "54144881111111111" + Ean.checkDigit("54144881111111111");
        HttpResponse<String> m = send("POST", "/api/v1/meters", ADMIN, "{\"id\":\"" + unreachable + "\",\"host\":\"127.0.0.1\",\"port\":" + port
                + ",\"auth\":\"none\"}", "application/json");
        assertThat(m.statusCode()).as(m.body()).isEqualTo(201);
        assertThat(m.headers().firstValue("Location")).hasValue("/api/v1/meters/" + unreachable);
        StringWriter csv = new StringWriter();
        fleet.exportCsv(csv);
        assertThat(send("POST", "/api/v1/meters/import", ADMIN, csv.toString(), "text/csv").statusCode()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
        if (fleet != null) fleet.close();
    }

    static HttpResponse<String> send(String method, String path, String token, String body, String type) throws Exception {
        return send(http, method, path, token, body, type);
    }

    static HttpResponse<String> send(HttpClient client, String method, String path, String token, String body, String type) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        if (token != null) b.header("Authorization", "Bearer " + token);
        if (type != null) b.header("Content-Type", type);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String ean(int i) {
        return fleet.identity(i).ean();
    }

    @Test
    void theRoutesServedAreExactlyTheOperationsDocumented() {
        // the web console's pages (under /console) are HTML for browsers, not operations of the API
        Set<String> served = node.httpRoutes().stream().filter(r -> !r.split(" ")[1].startsWith("/console"))
                .map(r -> r.toLowerCase(Locale.ROOT).split(" ")[0] + " " + r.split(" ")[1])
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> documented = CONTRACT.operations().stream().map(o -> o.method() + " " + o.template())
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(served).as("routes served vs operations in openapi.json").isEqualTo(documented);
    }

    /** A concrete path for a template: a real meter, ids that exist nowhere for the rest. */
    static String concrete(String template) {
        return template.replace("/meters/{id}", "/meters/" + ean(0)).replace("/commands/{id}", "/commands/" + UUID.randomUUID())
                .replace("/read-runs/{id}", "/read-runs/999").replace("/jobs/{id}", "/jobs/999999")
                .replace("/subscriptions/{id}", "/subscriptions/" + UUID.randomUUID()).replace("{holdId}", "999")
                .replace("/key-renewals/{id}", "/key-renewals/999999");
    }

    @Test
    void everyOperationAnswersEachRoleAsItsDocumentedRolesSay() throws Exception {
        int n = 0;
        HttpClient anonymous = null;
        for (ApiContract.Operation op : CONTRACT.operations()) {
            String method = op.method().toUpperCase(Locale.ROOT);
            String path = concrete(op.template());
            // a harmless body: a past day's read run (today's belongs to the tour), an empty object otherwise
            String body = path.endsWith("/read-runs") ? "{\"date\":\"2020-01-01\"}" : op.node().has("requestBody") ? "{}" : null;
            String type = path.endsWith("/bulk") ? "application/x-ndjson" : "application/json";
            JsonNode roles = op.node().path("x-roles");
            if (roles.isEmpty()) {
                assertThat(send(method, path, null, body, type).statusCode()).as("%s needs no token", op.id()).isEqualTo(200);
                continue;
            }
            // answers without a token count as failed authentications (20 a minute per address): each
            // batch of them comes from another loopback address
            if (n++ % 15 == 0) {
                anonymous = ContractHttpClient.builder().localAddress(InetAddress.getByName("127.0.3." + (n / 15 + 1))).build();
            }
            assertThat(send(anonymous, method, path, null, body, type).statusCode()).as("%s without a token", op.id()).isEqualTo(401);
            Set<String> allowed = new TreeSet<>();
            roles.forEach(r -> allowed.add(r.asText()));
            for (var t : tokens.entrySet()) {
                int status = send(method, path, t.getValue(), body, type).statusCode();
                if (allowed.contains(t.getKey())) {
                    assertThat(status).as("%s as %s", op.id(), t.getKey()).isNotIn(401, 403);
                } else {
                    assertThat(status).as("%s as %s", op.id(), t.getKey()).isEqualTo(403);
                }
            }
        }
    }

    @Test
    void aTourOfTheApiCallsEveryDocumentedOperationSuccessfully() throws Exception {
        String platform = tokens.get("platform"), operator = tokens.get("operator"), engineer = tokens.get("engineer");
        LocalDate today = LocalDate.now(BXL);

        // the service side, without a token
        for (String p : List.of("/health/live", "/health/ready", "/metrics", "/api/openapi.json")) assertThat(send("GET", p, null, null, null).statusCode()).isEqualTo(200);

        // meters: one page after the other, one meter
        HttpResponse<String> page = ok(send("GET", "/api/v1/meters?limit=2", platform, null, null));
        String next = JSON.readTree(page.body()).get("next").asText();
        ok(send("GET", "/api/v1/meters?limit=2&after=" + next, platform, null, null));
        ok(send("GET", "/api/v1/meters/" + ean(1), operator, null, null));

        // the day's read run, as operations start it and the platform follows it
        HttpResponse<String> run = send("POST", "/api/v1/read-runs", operator, "{}", "application/json");
        assertThat(run.statusCode()).as(run.body()).isEqualTo(201);
        String runPath = run.headers().firstValue("Location").orElseThrow();
        await(() -> JSON.readTree(ok(send("GET", runPath, platform, null, null)).body()), r -> r.get("pending").asInt() == 0);
        ok(send("GET", "/api/v1/meters/" + ean(0) + "/daily-reads?from=" + today, platform, null, null));
        ok(send("GET", "/api/v1/daily-reads?date=" + today, platform, null, null));
        ok(send("GET", "/api/v1/daily-reads?date=" + today + "&format=csv", operator, null, null));
        ok(send("GET", "/api/v1/meters/" + ean(0) + "/intervals?from=" + today, platform, null, null));
        ok(send("GET", "/api/v1/meters/" + ean(0) + "/intervals?from=" + today + "&format=csv", platform, null, null));
        ok(send("GET", "/api/v1/intervals?date=" + today, operator, null, null));

        // an engineer reads a meter now, with its trace
        ok(send("POST", "/api/v1/meters/" + ean(2) + "/reads?wait=30s&trace=true", engineer, null, null));
        ok(send("GET", "/api/v1/meters/" + ean(2) + "/trace", engineer, null, null));

        // the platform orders, one at a time and in bulk
        HttpResponse<String> cmd = send("POST", "/api/v1/meters/" + ean(1) + "/commands", platform, "{\"type\":\"DISPLAY_BALANCE\",\"amount\":\"3.10\"}",
                "application/json");
        assertThat(cmd.statusCode()).as(cmd.body()).isEqualTo(202);
        ok(send("GET", cmd.headers().firstValue("Location").orElseThrow(), platform, null, null));
        ok(send("POST", "/api/v1/commands/bulk", platform, "{\"meterId\":\"" + ean(2) + "\",\"idempotencyKey\":\"tour-1\",\"type\":\"SET_POWER_LIMIT\",\"watts\":2300}\n",
                "application/x-ndjson"));

        // the disconnection guard and a meter's hold
        String policy = ok(send("GET", "/api/v1/guard/policy", platform, null, null)).body();
        ok(send("PUT", "/api/v1/guard/policy", ADMIN, policy, "application/json"));
        HttpResponse<String> hold = send("POST", "/api/v1/meters/" + ean(0) + "/disconnection-holds", operator,
                "{\"to\":\"" + java.time.Instant.now().plus(Duration.ofDays(2)) + "\",\"reason\":\"tour\"}", "application/json");
        assertThat(hold.statusCode()).as(hold.body()).isEqualTo(201);
        ok(send("GET", "/api/v1/meters/" + ean(0) + "/disconnection-holds", platform, null, null));
        assertThat(send("DELETE", hold.headers().firstValue("Location").orElseThrow(), operator, null, null).statusCode()).isEqualTo(204);

        // operations: the unreachable meter's read died; its job is queued again
        JsonNode dead = await(() -> JSON.readTree(ok(send("GET", "/api/v1/jobs?state=DEAD", operator, null, null)).body()),
                j -> j.get("items").size() > 0);
        assertThat(dead.get("items").get(0).get("meterId").asText()).isEqualTo(unreachable);
        ok(send("POST", "/api/v1/jobs/" + dead.get("items").get(0).get("id").asLong() + "/requeue", operator, null, null));
        ok(send("GET", "/api/v1/events?limit=5", operator, null, null));

        // an admin renews a meter's keys; operations follow the campaign
        HttpResponse<String> renewal = send("POST", "/api/v1/key-renewals", ADMIN, "{\"meterId\":\"" + ean(2) + "\",\"keys\":\"ak\"}", "application/json");
        assertThat(renewal.statusCode()).as(renewal.body()).isEqualTo(202);
        String renewalPath = renewal.headers().firstValue("Location").orElseThrow();
        await(() -> JSON.readTree(ok(send("GET", renewalPath, operator, null, null)).body()), r -> r.get("finished").asBoolean());
        ok(send("GET", "/api/v1/key-renewals?limit=5", operator, null, null));

        // the platform's subscription and the feed
        HttpResponse<String> sub = send("POST", "/api/v1/subscriptions", platform, "{\"url\":\"http://127.0.0.1:9/never\",\"kinds\":[\"event\"]}",
                "application/json");
        assertThat(sub.statusCode()).as(sub.body()).isEqualTo(201);
        String subPath = sub.headers().firstValue("Location").orElseThrow();
        ok(send("GET", "/api/v1/subscriptions", operator, null, null));
        ok(send("GET", subPath, platform, null, null));
        ok(send("PUT", subPath + "/cursor", platform, "{\"cursor\":\"0-0\"}", "application/json"));
        ok(send("POST", subPath + "/resume", operator, null, null));
        ok(send("GET", "/api/v1/feed?limit=10", platform, null, null));
        ok(send("GET", "/api/v1/callbacks/dead?limit=10", operator, null, null));
        ok(send("POST", "/api/v1/callbacks/dead/requeue", platform, null, null));
        assertThat(send("DELETE", subPath, platform, null, null).statusCode()).isEqualTo(204);

        Map<String, Long> after = ContractLedger.checked();
        Set<String> answered = new TreeSet<>();
        after.forEach((k, v) -> {
            String[] opStatus = k.split("\t");
            if (opStatus[1].startsWith("2") && v > before.getOrDefault(k, 0L)) answered.add(opStatus[0]);
        });
        assertThat(answered).as("operations this class (its set-up: meters and tokens, and the tour) answered with a 2xx")
                .containsAll(CONTRACT.operations().stream().map(ApiContract.Operation::id).toList());
    }

    static HttpResponse<String> ok(HttpResponse<String> r) {
        assertThat(r.statusCode()).as("%s %s: %s", r.request().method(), r.uri(), r.body()).isBetween(200, 299);
        return r;
    }

    interface Probe {
        JsonNode get() throws Exception;
    }

    static JsonNode await(Probe probe, Predicate<JsonNode> done) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode last = probe.get();
        while (!done.test(last)) {
            assertThat(System.nanoTime()).as("not reached: %s", last).isLessThan(until);
            Thread.sleep(100);
            last = probe.get();
        }
        return last;
    }
}
