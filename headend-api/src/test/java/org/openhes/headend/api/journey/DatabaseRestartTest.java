package org.openhes.headend.api.journey;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openhes.headend.api.config.HeadendConfig;
import org.openhes.headend.api.config.Settings;
import org.openhes.headend.api.contract.ContractHttpClient;
import org.openhes.headend.api.node.HeadendNode;
import org.openhes.headend.scheduler.plans.ReadPlanner;
import org.openhes.headend.simulator.SimulatedFleet;
import org.openhes.headend.simulator.SimulatorConfig;

/**
 * The database stops in the middle of a read run: the API answers 503 with a problem document (no
 * hang), and when the database is back the run finishes by itself with nothing lost.
 */
class DatabaseRestartTest {
    @Test
    void workResumesAfterTheDatabaseComesBack() throws Exception {
        Path pgData = Files.createTempDirectory("pg-restart");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(pgData).setCleanDataDirectory(false).setPort(port).start();
        String url = pg.getJdbcUrl("postgres", "postgres");
        int meters = 150;
        HttpClient http = ContractHttpClient.create();
        try (SimulatedFleet fleet = SimulatedFleet.start(SimulatorConfig.builder().meters(meters).port(0)
                .latency(Duration.ofMillis(150), Duration.ZERO).build());
             HeadendNode node = HeadendNode.start(HeadendConfig.from(Settings.of(Map.ofEntries(Map.entry("http.port", "0"),
                     Map.entry("http.host", "127.0.0.1"), Map.entry("push.port", "-1"), Map.entry("db.url", url),
                     Map.entry("read.plan.enabled", "false"), Map.entry("worker.poll", "100ms"), Map.entry("pool.max.sessions", "20"),
                     Map.entry("retry.base", "500ms"), Map.entry("retry.max", "2s"),
                     Map.entry("admin.token", "restart-admin-token-0123456789"),
                     Map.entry("master.key", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")))), Clock.systemUTC())) {
            StringWriter csv = new StringWriter();
            fleet.exportCsv(csv);
            node.services().meters().importCsv(new StringReader(csv.toString()));
            ReadPlanner.ReadRun run = node.services().planner().createRun(LocalDate.now(ZoneId.of("Europe/Brussels")), Instant.now(),
                    Duration.ofSeconds(1));
            node.services().worker().nudge();
            while (node.services().planner().progress(run.id()).orElseThrow().succeeded() < 20) Thread.sleep(50);

            pg.close(); // the database goes away mid-run
            HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/api/v1/read-runs/" + run.id()))
                    .header("Authorization", "Bearer restart-admin-token-0123456789").timeout(Duration.ofSeconds(30)).build();
            long t0 = System.nanoTime();
            HttpResponse<String> down = http.send(get, HttpResponse.BodyHandlers.ofString());
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(down.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("no hang").isLessThan(Duration.ofSeconds(20));
            HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/health/ready"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(503);
            Thread.sleep(2000);

            pg = EmbeddedPostgres.builder().setDataDirectory(pgData).setCleanDataDirectory(false).setPort(port).start();
            ReadPlanner.Progress p;
            long until = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            do {
                Thread.sleep(250);
                try {
                    p = node.services().planner().progress(run.id()).orElseThrow();
                } catch (RuntimeException stillReconnecting) {
                    p = null;
                }
            } while ((p == null || p.pending() > 0) && System.nanoTime() < until);
            assertThat(p).isNotNull();
            assertThat(p.pending()).isZero();
            assertThat(p.succeeded()).as("every meter read once the database is back").isEqualTo(meters);
            assertThat(http.send(get, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        } finally {
            pg.close();
        }
    }
}
