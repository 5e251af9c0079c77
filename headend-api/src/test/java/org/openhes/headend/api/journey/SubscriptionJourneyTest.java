package org.openhes.headend.api.journey;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openhes.headend.api.callbacks.CallbackSigner;
import org.openhes.headend.api.config.HeadendConfig;
import org.openhes.headend.api.config.Settings;
import org.openhes.headend.api.contract.ContractHttpClient;
import org.openhes.headend.api.node.HeadendNode;
import org.openhes.headend.simulator.SimulatedFleet;
import org.openhes.headend.simulator.SimulatorConfig;
import org.openhes.headend.scheduler.delivery.FeedPosition;

/**
 * The platform subscribes to daily reads and command results over real HTTP: its receiver is down
 * while the fleet is read, and catches up from its cursor when it is back, every batch signed, in
 * order, nothing twice; it replays from a cursor; a receiver that answers 410 kills the subscription
 * (visible in its state and the metrics) until it is resumed.
 */
class SubscriptionJourneyTest {
    static final String ADMIN = "admin-token-for-the-subscription-test";
    static final String SECRET = "subscription-callback-secret";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient http = ContractHttpClient.create();
    static final CallbackSigner signer = new CallbackSigner(SECRET.getBytes(StandardCharsets.UTF_8));
    static final List<JsonNode> batches = new CopyOnWriteArrayList<>();
    static final AtomicInteger answer = new AtomicInteger(503);
    static final AtomicInteger badSignatures = new AtomicInteger();
    static SimulatedFleet fleet;
    static HeadendNode node;
    static HttpServer receiver;
    static String base, platform, receiverUrl;

    @BeforeAll
    static void start() throws Exception {
        Clock clock = Clock.systemUTC();
        fleet = SimulatedFleet.start(SimulatorConfig.builder().meters(6).port(0).clock(clock).build());
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/feed", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            int status = answer.get();
            if (status == 204) {
                if (!signer.verify(ex.getRequestHeaders().getFirst(CallbackSigner.HEADER), body)) badSignatures.incrementAndGet();
                batches.add(JSON.readTree(body));
            }
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        receiver.start();
        receiverUrl = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/feed";
        Settings s = Settings.of(Map.of("http.port", "0", "http.host", "127.0.0.1", "data.dir", Files.createTempDirectory("subscriptions").toString(),
                "admin.token", ADMIN, "callback.secret", SECRET, "push.port", "-1", "read.plan.enabled", "false", "worker.poll", "100ms",
                "catchup.days", "5", "delivery.poll", "100ms"));
        s = s.with("delivery.backoff.base", "100ms").with("delivery.backoff.max", "300ms").with("master.key", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");
        String server = System.getProperty("headend.test.db.url");
        if (server != null && !server.isBlank() && !server.startsWith("${")) s = s.with("db.url", PrepaymentJourneyTest.freshDatabase(server));
        node = HeadendNode.start(HeadendConfig.from(s), clock);
        base = "http://127.0.0.1:" + node.httpPort();
        StringWriter csv = new StringWriter();
        fleet.exportCsv(csv);
        assertThat(send("POST", "/api/v1/meters/import", ADMIN, csv.toString(), "text/csv").statusCode()).isEqualTo(200);
        platform = JSON.readTree(send("POST", "/api/v1/tokens", ADMIN, "{\"name\":\"prepayment\",\"role\":\"platform\"}", "application/json")
                .body()).get("token").asText();
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
        if (fleet != null) fleet.close();
        if (receiver != null) receiver.stop(0);
    }

    @Test
    void a_platform_down_during_the_read_catches_up_in_order_replays_and_a_dead_subscription_is_resumed() throws Exception {
        // Subscribe from now: daily reads and command results, batches of 7.
        HttpResponse<String> created = send("POST", "/api/v1/subscriptions", platform,
                "{\"url\":\"" + receiverUrl + "\",\"kinds\":[\"daily-read\",\"command-result\"],\"batchSize\":7}", "application/json");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = JSON.readTree(created.body()).get("id").asText();
        assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/subscriptions/" + id);

        // The fleet is read while the receiver answers 503: nothing is acknowledged, the failures show.
        HttpResponse<String> run = send("POST", "/api/v1/read-runs", ADMIN, "{}", "application/json");
        long runId = JSON.readTree(run.body()).get("id").asLong();
        await(() -> get("/api/v1/read-runs/" + runId, platform).get("pending").asInt() == 0, Duration.ofSeconds(60));
        await(() -> get("/api/v1/subscriptions/" + id, platform).get("failures").asInt() >= 2, Duration.ofSeconds(20));
        JsonNode failing = get("/api/v1/subscriptions/" + id, platform);
        assertThat(failing.get("state").asText()).isEqualTo("ACTIVE");
        assertThat(failing.get("lastError").asText()).isEqualTo("HTTP 503");
        assertThat(batches).isEmpty();

        // Each meter's midnights (today's and the days caught up) were stored, and its registers of the moment
        // (an on-demand read, which this subscription did not ask for).
        int expected = 0;
        for (int m = 0; m < 6; m++) {
            for (JsonNode read : get("/api/v1/meters/" + fleet.identity(m).ean() + "/daily-reads?from=" + java.time.LocalDate.now().minusDays(10)
                    + "&to=" + java.time.LocalDate.now().plusDays(1), platform).get("items")) {
                if (read.get("source").asText().equals("DAILY_PROFILE")) expected++;
            }
        }
        assertThat(expected).isGreaterThanOrEqualTo(30);

        // Back up: everything arrives, signed, in feed order, each capture once, with its registers.
        answer.set(204);
        final int all = expected;
        await(() -> items().size() >= all, Duration.ofSeconds(30));
        List<JsonNode> items = items();
        assertThat(items).hasSize(all);
        assertThat(badSignatures).hasValue(0);
        assertThat(batches).allSatisfy(b -> assertThat(b.get("items").size()).isBetween(1, 7));
        Set<String> captures = new HashSet<>();
        FeedPosition previous = FeedPosition.START;
        for (JsonNode item : items) {
            FeedPosition p = FeedPosition.parse(item.get("cursor").asText());
            assertThat(p).isGreaterThan(previous);
            previous = p;
            assertThat(item.get("kind").asText()).isEqualTo("daily-read");
            assertThat(item.at("/data/registers")).hasSize(4);
            assertThat(captures.add(item.get("meterId").asText() + item.at("/data/capturedAt").asText())).isTrue();
        }
        assertThat(batches.get(batches.size() - 1).get("next").asText()).isEqualTo(items.get(items.size() - 1).get("cursor").asText());
        await(() -> get("/api/v1/subscriptions/" + id, platform).get("deliveredItems").asInt() == all, Duration.ofSeconds(10));
        assertThat(get("/api/v1/subscriptions/" + id, platform).get("failures").asInt()).isZero();

        // The pull feed shows the same entries, page after page.
        JsonNode page = get("/api/v1/feed?kinds=daily-read&limit=5", platform);
        assertThat(page.get("items")).hasSize(5);
        assertThat(page.get("items").get(0).get("cursor").asText()).isEqualTo(items.get(0).get("cursor").asText());
        JsonNode second = get("/api/v1/feed?kinds=daily-read&limit=5&after=" + page.get("next").asText(), platform);
        assertThat(second.get("items").get(0).get("cursor").asText()).isEqualTo(items.get(5).get("cursor").asText());

        // Replay from the first batch's end: the rest comes again.
        String firstNext = batches.get(0).get("next").asText();
        int firstSize = batches.get(0).get("items").size();
        batches.clear();
        HttpResponse<String> moved = send("PUT", "/api/v1/subscriptions/" + id + "/cursor", platform, "{\"cursor\":\"" + firstNext + "\"}",
                "application/json");
        assertThat(moved.statusCode()).as(moved.body()).isEqualTo(200);
        await(() -> items().size() >= all - firstSize, Duration.ofSeconds(30));
        assertThat(items().get(0).get("cursor").asText()).isEqualTo(items.get(firstSize).get("cursor").asText());

        // A command's end reaches the subscription (and its own callback URL).
        batches.clear();
        HttpResponse<String> cmd = send("POST", "/api/v1/meters/" + fleet.identity(1).ean() + "/commands", platform,
                "{\"type\":\"DISCONNECT\",\"callbackUrl\":\"" + receiverUrl + "\"}", "application/json");
        assertThat(cmd.statusCode()).as(cmd.body()).isEqualTo(202);
        String commandId = JSON.readTree(cmd.body()).get("id").asText();
        await(() -> items().stream().anyMatch(i -> i.get("kind").asText().equals("command-result")), Duration.ofSeconds(30));
        JsonNode result = items().stream().filter(i -> i.get("kind").asText().equals("command-result")).findFirst().orElseThrow();
        assertThat(result.at("/data/id").asText()).isEqualTo(commandId);
        assertThat(result.at("/data/status").asText()).isEqualTo("SUCCEEDED");
        await(() -> batches.stream().anyMatch(b -> b.has("id") && b.get("id").asText().equals(commandId)), Duration.ofSeconds(20));

        // A receiver that answers 410 Gone: the subscription is dead, operations see it; resumed, it delivers again.
        answer.set(410);
        String refused = JSON.readTree(send("POST", "/api/v1/meters/" + fleet.identity(2).ean() + "/commands", platform,
                "{\"type\":\"DISCONNECT\",\"callbackUrl\":\"" + receiverUrl + "\"}", "application/json").body()).get("id").asText();
        await(() -> get("/api/v1/subscriptions/" + id, platform).get("state").asText().equals("DEAD"), Duration.ofSeconds(30));
        // the command's own callback was refused for good too: dead, listed with why
        await(() -> get("/api/v1/callbacks/dead", platform).get("items").size() == 1, Duration.ofSeconds(30));
        JsonNode deadCallback = get("/api/v1/callbacks/dead", platform).get("items").get(0);
        assertThat(deadCallback.get("commandId").asText()).isEqualTo(refused);
        assertThat(deadCallback.get("lastError").asText()).isEqualTo("HTTP 410");
        assertThat(get("/api/v1/subscriptions/" + id, platform).get("lastError").asText()).isEqualTo("HTTP 410");
        await(() -> metric("headend_subscriptions{state=\"DEAD\"}") == 1.0, Duration.ofSeconds(25));
        String operator = JSON.readTree(send("POST", "/api/v1/tokens", ADMIN, "{\"name\":\"ops\",\"role\":\"operator\"}", "application/json")
                .body()).get("token").asText();
        batches.clear();
        answer.set(204);
        assertThat(send("POST", "/api/v1/subscriptions/" + id + "/resume", operator, null, null).statusCode()).isEqualTo(200);
        await(() -> items().stream().anyMatch(i -> i.get("kind").asText().equals("command-result")), Duration.ofSeconds(30));
        assertThat(get("/api/v1/subscriptions/" + id, platform).get("state").asText()).isEqualTo("ACTIVE");
        // the endpoint fixed, the dead callback is delivered again, signed
        HttpResponse<String> requeued = send("POST", "/api/v1/callbacks/dead/requeue", operator, null, null);
        assertThat(JSON.readTree(requeued.body()).get("requeued").asInt()).isEqualTo(1);
        await(() -> batches.stream().anyMatch(b -> b.has("id") && b.get("id").asText().equals(refused)), Duration.ofSeconds(20));
        assertThat(get("/api/v1/callbacks/dead", platform).get("items")).isEmpty();
        assertThat(badSignatures.get()).isZero();

        // Bad requests say what was wrong; an operator may not subscribe; an unknown id is 404.
        assertThat(send("POST", "/api/v1/subscriptions", platform, "{\"url\":\"ftp://x/y\"}", "application/json").statusCode()).isEqualTo(400);
        assertThat(send("POST", "/api/v1/subscriptions", platform, "{\"url\":\"" + receiverUrl + "\",\"kinds\":[\"gossip\"]}", "application/json")
                .body()).contains("unknown kind gossip");
        assertThat(send("POST", "/api/v1/subscriptions", platform, "{\"url\":", "application/json").statusCode()).isEqualTo(400);
        assertThat(send("POST", "/api/v1/subscriptions", operator, "{\"url\":\"" + receiverUrl + "\"}", "application/json").statusCode())
                .isEqualTo(403);
        assertThat(send("GET", "/api/v1/subscriptions/" + java.util.UUID.randomUUID(), platform, null, null).statusCode()).isEqualTo(404);
        assertThat(send("GET", "/api/v1/feed?after=yesterday", platform, null, null).statusCode()).isEqualTo(400);
        assertThat(send("DELETE", "/api/v1/subscriptions/" + id, platform, null, null).statusCode()).isEqualTo(204);
        assertThat(send("GET", "/api/v1/subscriptions/" + id, platform, null, null).statusCode()).isEqualTo(404);
    }

    /** Every item received so far, batch after batch (command callbacks, which have no items, left out). */
    static List<JsonNode> items() {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode b : batches) {
            if (b.has("items")) b.get("items").forEach(out::add);
        }
        return out;
    }

    static double metric(String series) throws Exception {
        for (String line : send("GET", "/metrics", null, null, null).body().split("\n")) {
            if (line.startsWith(series + " ")) return Double.parseDouble(line.substring(series.length() + 1).trim());
        }
        return -1;
    }

    static JsonNode get(String path, String token) throws Exception {
        HttpResponse<String> r = send("GET", path, token, null, null);
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    static HttpResponse<String> send(String method, String path, String token, String body, String type) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        if (token != null) b.header("Authorization", "Bearer " + token);
        if (type != null) b.header("Content-Type", type);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    interface Check {
        boolean holds() throws Exception;
    }

    static void await(Check check, Duration within) throws Exception {
        long until = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < until) {
            if (check.holds()) return;
            Thread.sleep(100);
        }
        assertThat(check.holds()).as("still not true after " + within).isTrue();
    }

}
