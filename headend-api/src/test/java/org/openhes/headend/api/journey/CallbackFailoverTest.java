package org.openhes.headend.api.journey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openhes.headend.api.journey.ServeNodes.awaitReady;
import static org.openhes.headend.api.journey.ServeNodes.call;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.openhes.headend.api.callbacks.CallbackSigner;
import org.openhes.headend.simulator.SimulatedFleet;
import org.openhes.headend.simulator.SimulatorConfig;

/**
 * Issue 16's operator test: two `serve` nodes on one database, 200 commands with a callback URL, the
 * platform's receiver down (503) while they run, one node killed with SIGKILL. When the receiver is
 * back, every command that SUCCEEDED in the database has been called back, signed, by the survivor,
 * including those the killed node completed (their callbacks were stored with their end, not held in
 * the killed node's memory).
 */
class CallbackFailoverTest {
    static final String SECRET = "failover-callback-secret-0123456789";
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void every_command_the_killed_node_completed_is_called_back_by_the_survivor() throws Exception {
        Path logs = Files.createTempDirectory("callback-failover");
        int commands = 200;
        CallbackSigner signer = new CallbackSigner(SECRET.getBytes(StandardCharsets.UTF_8));
        Map<String, String> calledBack = new ConcurrentHashMap<>();
        AtomicBoolean platformUp = new AtomicBoolean(false);
        AtomicInteger refused = new AtomicInteger(), forged = new AtomicInteger();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/callback", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            if (!platformUp.get()) {
                refused.incrementAndGet();
                ex.sendResponseHeaders(503, -1);
            } else if (!signer.verify(ex.getRequestHeaders().getFirst(CallbackSigner.HEADER), body)) {
                forged.incrementAndGet();
                ex.sendResponseHeaders(401, -1);
            } else {
                JsonNode c = JSON.readTree(body);
                calledBack.put(c.get("id").asText(), c.get("status").asText());
                ex.sendResponseHeaders(204, -1);
            }
            ex.close();
        });
        receiver.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        receiver.start();
        String callbackUrl = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/callback";
        Map<String, String> env = Map.of("HEADEND_CALLBACK_SECRET", SECRET, "HEADEND_DELIVERY_POLL", "100ms",
                "HEADEND_DELIVERY_BACKOFF_BASE", "200ms", "HEADEND_DELIVERY_BACKOFF_MAX", "1s", "HEADEND_CALLBACK_MAX_ATTEMPTS", "1000");
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
             SimulatedFleet fleet = SimulatedFleet.start(SimulatorConfig.builder().meters(commands).port(0)
                     .latency(Duration.ofMillis(100), Duration.ofMillis(30)).build())) {
            String url = pg.getJdbcUrl("postgres", "postgres");
            int portA = ServeNodes.freePort(), portB = ServeNodes.freePort();
            Process a = ServeNodes.start("node-a", portA, url, logs, env);
            awaitReady(portA, a, logs);
            Process b = ServeNodes.start("node-b", portB, url, logs, env);
            try {
                awaitReady(portB, b, logs);
                StringWriter csv = new StringWriter();
                fleet.exportCsv(csv);
                assertThat(call(portA, "POST", "/api/v1/meters/import", csv.toString(), "text/csv").statusCode()).isEqualTo(200);
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < commands; i++) {
                    HttpResponse<String> r = call(i % 2 == 0 ? portA : portB, "POST", "/api/v1/meters/" + fleet.identity(i).ean() + "/commands",
                            "{\"type\":\"SET_POWER_LIMIT\",\"watts\":2300,\"callbackUrl\":\"" + callbackUrl + "\"}", "application/json");
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
                    ids.add(JSON.readTree(r.body()).get("id").asText());
                }
                // kill node A once half of the commands have ended (their callbacks refused so far)
                long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (count(url, "SELECT count(*) FROM commands WHERE status = 'SUCCEEDED'") < commands / 2 && System.nanoTime() < until) {
                    Thread.sleep(20);
                }
                a.destroyForcibly().waitFor();
                int endedBeforeKill = count(url, "SELECT count(*) FROM commands WHERE status = 'SUCCEEDED'");
                int refusedBeforeKill = refused.get();
                platformUp.set(true);

                until = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                Set<String> succeeded = new HashSet<>();
                while (System.nanoTime() < until) {
                    succeeded = ids(url, "SELECT id::text FROM commands WHERE status = 'SUCCEEDED'");
                    if (succeeded.size() == commands && calledBack.keySet().containsAll(succeeded)) break;
                    Thread.sleep(200);
                }
                Set<String> missing = new HashSet<>(succeeded);
                missing.removeAll(calledBack.keySet());
                System.out.println("callback failover: " + endedBeforeKill + " commands ended before node-a was killed, " + refusedBeforeKill
                        + " callback attempts refused while the platform was down; " + succeeded.size() + "/" + commands + " SUCCEEDED, "
                        + calledBack.size() + " called back, missing " + missing.size());
                assertThat(refusedBeforeKill).as("callbacks were attempted (and refused) before the kill").isPositive();
                assertThat(succeeded).as("every accepted command ends").hasSize(commands);
                assertThat(missing).as("SUCCEEDED commands never called back").isEmpty();
                assertThat(calledBack.values()).containsOnly("SUCCEEDED");
                assertThat(forged).hasValue(0);
                assertThat(count(url, "SELECT count(*) FROM command_callbacks WHERE state <> 'DELIVERED'")).isZero();
            } finally {
                a.destroyForcibly();
                b.destroy();
                b.waitFor();
                receiver.stop(0);
            }
        }
    }

    static int count(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url); var st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    static Set<String> ids(String url, String sql) throws Exception {
        Set<String> out = new HashSet<>();
        try (Connection c = DriverManager.getConnection(url); var st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }
}
