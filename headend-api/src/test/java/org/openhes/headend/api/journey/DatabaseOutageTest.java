package org.openhes.headend.api.journey;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openhes.headend.api.config.HeadendConfig;
import org.openhes.headend.api.config.Settings;
import org.openhes.headend.api.contract.ContractHttpClient;
import org.openhes.headend.api.node.HeadendNode;

/**
 * A real PostgreSQL stops under a running node, or the link to it goes silent (a partition, through a
 * TCP proxy that stops forwarding); default settings: a check every second, 5 s to wait for a
 * connection. Readiness answers from what the node keeps, within a second, and turns 503 within a few
 * seconds; API calls are refused at once with 503 and Retry-After; when the database is back both
 * recover by themselves.
 */
class DatabaseOutageTest {
    static final String TOKEN = "outage-admin-token-0123456789";
    static final Duration QUICK = Duration.ofSeconds(2); // a behaviour bound, not a benchmark: a stall is 5 s or more
    final HttpClient http = ContractHttpClient.create();

    record Answer(HttpResponse<String> response, Duration took) {
        int status() {
            return response.statusCode();
        }
    }

    Answer get(int port, String path) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Authorization", "Bearer " + TOKEN)
                .timeout(Duration.ofSeconds(30)).build();
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        return new Answer(r, Duration.ofNanos(System.nanoTime() - t0));
    }

    Answer post(int port, String path, String json) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).timeout(Duration.ofSeconds(30)).build();
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        return new Answer(r, Duration.ofNanos(System.nanoTime() - t0));
    }

    /** Polls readiness until it answers {@code status} saying {@code database}; every answer must come quickly. Returns how long it took. */
    Duration awaitReadiness(int port, int status, String database, Duration within) throws Exception {
        long t0 = System.nanoTime();
        Duration slowest = Duration.ZERO;
        while (true) {
            Answer ready = get(port, "/health/ready");
            slowest = ready.took().compareTo(slowest) > 0 ? ready.took() : slowest;
            assertThat(ready.took()).as("readiness answers at once, whatever the database does").isLessThan(QUICK);
            if (ready.status() == status && ready.response().body().contains("\"database\":\"" + database + "\"")) {
                System.out.printf("readiness %d, database " + database + ", after %d ms (slowest answer %d ms)%n", status, (System.nanoTime() - t0) / 1_000_000, slowest.toMillis());
                return Duration.ofNanos(System.nanoTime() - t0);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("readiness %d in time", status).isLessThan(within);
            Thread.sleep(100);
        }
    }

    @Test
    void whileTheDatabaseIsAwayReadinessAndTheApiAnswer503AtOnceAndRecoverWhenItReturns() throws Exception {
        Path pgData = Files.createTempDirectory("pg-outage");
        int pgPort;
        try (ServerSocket s = new ServerSocket(0)) {
            pgPort = s.getLocalPort();
        }
        EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(pgData).setCleanDataDirectory(false).setPort(pgPort).start();
        try (HeadendNode node = HeadendNode.start(HeadendConfig.from(Settings.of(Map.of("http.port", "0", "http.host", "127.0.0.1",
                "push.port", "-1", "db.url", pg.getJdbcUrl("postgres", "postgres"), "read.plan.enabled", "false",
                "admin.token", TOKEN, "master.key", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="))), Clock.systemUTC())) {
            int port = node.httpPort();
            assertThat(get(port, "/health/ready").status()).isEqualTo(200);
            assertThat(get(port, "/api/v1/meters").status()).isEqualTo(200);

            pg.close(); // the database goes away
            Duration detected = awaitReadiness(port, 503, "DOWN", Duration.ofSeconds(5));
            Answer ready = get(port, "/health/ready");
            assertThat(ready.response().body()).contains("\"database\":\"DOWN\"").contains("databaseDownSince");
            assertThat(ready.response().headers().firstValue("Retry-After")).isPresent();
            Duration slowestApi = Duration.ZERO;
            for (int i = 0; i < 5; i++) {
                Answer read = get(port, "/api/v1/meters");
                Answer command = post(port, "/api/v1/meters/541448000000000001/commands", "{\"type\":\"DISCONNECT\"}");
                for (Answer a : new Answer[] {read, command}) {
                    assertThat(a.status()).as(a.response().body()).isEqualTo(503);
                    assertThat(a.took()).as("refused at once, not after the connection timeout").isLessThan(QUICK);
                    assertThat(a.response().headers().firstValue("Retry-After")).as("Retry-After").isPresent();
                    assertThat(Integer.parseInt(a.response().headers().firstValue("Retry-After").orElseThrow())).isPositive();
                    assertThat(a.response().headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
                    assertThat(a.response().body()).contains("Database unavailable").doesNotContain(String.valueOf(pgPort));
                    slowestApi = a.took().compareTo(slowestApi) > 0 ? a.took() : slowestApi;
                }
            }
            System.out.printf("database away: detected in %d ms, API refusals within %d ms%n", detected.toMillis(), slowestApi.toMillis());

            pg = EmbeddedPostgres.builder().setDataDirectory(pgData).setCleanDataDirectory(false).setPort(pgPort).start();
            Duration recovered = awaitReadiness(port, 200, "UP", Duration.ofSeconds(15));
            System.out.printf("database back: readiness 200 after %d ms%n", recovered.toMillis());
            Answer after = get(port, "/api/v1/meters");
            assertThat(after.status()).as(after.response().body()).isEqualTo(200);
        } finally {
            pg.close();
        }
    }

    @Test
    void whenTheLinkToTheDatabaseHangsReadinessStillAnswersAtOnceAndTheApiRefusesUntilItFlowsAgain() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start(); PausableTcpProxy link = new PausableTcpProxy(pg.getPort());
             HeadendNode node = HeadendNode.start(HeadendConfig.from(Settings.of(Map.of("http.port", "0", "http.host", "127.0.0.1",
                     "push.port", "-1", "db.url", "jdbc:postgresql://127.0.0.1:" + link.port() + "/postgres?user=postgres",
                     "read.plan.enabled", "false", "admin.token", TOKEN, "master.key", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="))),
                     Clock.systemUTC())) {
            int port = node.httpPort();
            assertThat(get(port, "/api/v1/meters").status()).isEqualTo(200);

            link.pause(); // a partition: no refusal, no reset, just silence
            Duration detected = awaitReadiness(port, 503, "DOWN", Duration.ofSeconds(8));
            Duration slowestApi = Duration.ZERO;
            for (int i = 0; i < 5; i++) {
                Answer read = get(port, "/api/v1/meters");
                assertThat(read.status()).as(read.response().body()).isEqualTo(503);
                assertThat(read.took()).as("refused at once").isLessThan(QUICK);
                assertThat(read.response().headers().firstValue("Retry-After")).isPresent();
                slowestApi = read.took().compareTo(slowestApi) > 0 ? read.took() : slowestApi;
            }
            System.out.printf("link to the database silent: detected in %d ms, API refusals within %d ms%n", detected.toMillis(), slowestApi.toMillis());

            link.resume();
            Duration recovered = awaitReadiness(port, 200, "UP", Duration.ofSeconds(20));
            System.out.printf("link back: readiness 200 after %d ms%n", recovered.toMillis());
            Answer after = get(port, "/api/v1/meters");
            assertThat(after.status()).as(after.response().body()).isEqualTo(200);
        }
    }
}
