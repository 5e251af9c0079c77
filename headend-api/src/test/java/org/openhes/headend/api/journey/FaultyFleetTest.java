package org.openhes.headend.api.journey;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.sql.ResultSet;
import java.sql.Statement;
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
import org.openhes.headend.scheduler.commands.CommandStore;
import org.openhes.headend.scheduler.plans.ReadPlanner;
import org.openhes.headend.simulator.FaultRates;
import org.openhes.headend.simulator.SimulatedFleet;
import org.openhes.headend.simulator.SimulatorConfig;

/**
 * A daily read run over a fleet whose links misbehave (refused, dropped, silent, corrupted, rejected
 * associations) and with meters holding other keys: every healthy meter is read, the wrong-key ones
 * are dead-lettered with "authentication failed", and the counts add up. Then more commands than the
 * API accepts: the excess is refused with 429, and every accepted one finishes.
 */
class FaultyFleetTest {
    static final ZoneId BXL = ZoneId.of("Europe/Brussels");
    static final String DLQ_TOKEN = "faulty-fleet-admin-token-0123456789";

    static Settings settings(Map<String, String> extra) throws Exception {
        Settings s = Settings.of(Map.of("http.port", "0", "http.host", "127.0.0.1", "push.port", "-1",
                "data.dir", Files.createTempDirectory("faulty").toString(), "read.plan.enabled", "false",
                "worker.poll", "100ms", "retry.base", "200ms", "retry.max", "1s", "response.timeout", "1s",
                "master.key", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="));
        String server = System.getProperty("headend.test.db.url");
        if (server != null && !server.isBlank() && !server.startsWith("${")) s = s.with("db.url", PrepaymentJourneyTest.freshDatabase(server));
        for (var e : extra.entrySet()) s = s.with(e.getKey(), e.getValue());
        return s;
    }

    @Test
    void everyHealthyMeterIsReadAndWrongKeysAreDeadLettered() throws Exception {
        int meters = 60, wrongKeys = 2;
        try (SimulatedFleet fleet = SimulatedFleet.start(SimulatorConfig.builder().meters(meters).port(0)
                .faults(new FaultRates(0.05, 0.05, 0.05, 0.05, 0.05)).wrongKeyMeters(wrongKeys).seed(42).build());
             HeadendNode node = HeadendNode.start(HeadendConfig.from(settings(Map.of("admin.token", DLQ_TOKEN))), Clock.systemUTC())) {
            StringWriter csv = new StringWriter();
            fleet.exportCsv(csv);
            node.services().meters().importCsv(new StringReader(csv.toString()));
            ReadPlanner.ReadRun run = node.services().planner().createRun(LocalDate.now(BXL), Instant.now(), Duration.ofSeconds(1));
            node.services().worker().nudge();
            ReadPlanner.Progress p;
            long until = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            do {
                Thread.sleep(250);
                p = node.services().planner().progress(run.id()).orElseThrow();
            } while (p.pending() > 0 && System.nanoTime() < until);
            System.out.println("injected " + fleet.injectedFaults() + ", read " + p.succeeded() + ", dead " + p.failed());
            assertThat(fleet.injectedFaults().values().stream().mapToLong(Long::longValue).sum()).as("faults were injected").isPositive();
            assertThat(p.pending()).isZero();
            assertThat(p.succeeded()).isEqualTo(meters - wrongKeys);
            assertThat(p.failed()).isEqualTo(wrongKeys);
            try (var c = node.services().db().dataSource().getConnection(); Statement st = c.createStatement()) {
                try (ResultSet rs = st.executeQuery("SELECT meter_id, last_failure_kind, last_failure, attempts FROM jobs WHERE state = 'DEAD'")) {
                    while (rs.next()) {
                        assertThat(rs.getString(2)).isEqualTo("AUTHENTICATION_FAILED");
                        assertThat(rs.getString(3)).contains("authentication failed").contains("not retryable")
                                .as("the hint speaks to an operator of stored meters, who has no CLI flags")
                                .contains("check the meter's keys (or password) and system title in the registry").doesNotContain("--");
                        assertThat(rs.getInt(4)).as("dead-lettered without pointless retries").isLessThanOrEqualTo(2);
                    }
                }
                // the dead-letter queue as an operator sees it through the API
                var dead = ContractHttpClient.create().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                                "http://127.0.0.1:" + node.httpPort() + "/api/v1/jobs?state=DEAD")).header("Authorization", "Bearer " + DLQ_TOKEN).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(dead.statusCode()).isEqualTo(200);
                assertThat(dead.body()).contains("check the meter's keys (or password) and system title in the registry")
                        .doesNotContain("--ek").doesNotContain("--ak");
                try (ResultSet rs = st.executeQuery("SELECT count(DISTINCT meter_id), count(*) - count(DISTINCT (meter_id, obis, captured_at)) "
                        + "FROM daily_reads WHERE source = 'DAILY_PROFILE'")) {
                    rs.next();
                    assertThat(rs.getInt(1)).isEqualTo(meters - wrongKeys);
                    assertThat(rs.getInt(2)).as("no read stored twice").isZero();
                }
            }
        }
    }

    @Test
    void pastTheQueueBoundCommandsAreRefusedAndTheAcceptedOnesAllFinish() throws Exception {
        try (SimulatedFleet fleet = SimulatedFleet.start(SimulatorConfig.builder().meters(5).port(0).build());
             HeadendNode node = HeadendNode.start(HeadendConfig.from(settings(Map.of("api.max.queued", "3", "admin.token",
                     "overload-admin-token-123456"))), Clock.systemUTC())) {
            StringWriter csv = new StringWriter();
            fleet.exportCsv(csv);
            node.services().meters().importCsv(new StringReader(csv.toString()));
            node.services().worker().stop(Duration.ofSeconds(5)); // nothing drains the queue while we fill it
            var http = ContractHttpClient.create();
            int accepted = 0, refused = 0;
            java.util.List<String> ids = new java.util.ArrayList<>();
            // 20 requests at once against a bound of 3: concurrent acceptances must not overshoot it
            java.util.List<java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<String>>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) {
                var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + node.httpPort()
                                + "/api/v1/meters/" + fleet.identity(i % 5).ean() + "/commands"))
                        .header("Authorization", "Bearer overload-admin-token-123456").header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"type\":\"DISCONNECT\"}")).build();
                answers.add(http.sendAsync(req, java.net.http.HttpResponse.BodyHandlers.ofString()));
            }
            for (var answer : answers) {
                var resp = answer.join();
                if (resp.statusCode() == 202) {
                    accepted++;
                    ids.add(new com.fasterxml.jackson.databind.ObjectMapper().readTree(resp.body()).get("id").asText());
                } else {
                    assertThat(resp.statusCode()).isEqualTo(429);
                    assertThat(resp.body()).contains("already queued").contains("limit 3");
                    assertThat(resp.headers().firstValue("Retry-After")).contains("1");
                    refused++;
                }
            }
            assertThat(accepted).isEqualTo(3);
            assertThat(refused).isEqualTo(17);
            // the accepted ones are durable: a fresh worker (as after a restart) runs them all
            var worker = new org.openhes.headend.scheduler.jobs.JobWorker(node.services().jobs(),
                    job -> java.util.concurrent.CompletableFuture.completedFuture(org.openhes.headend.scheduler.jobs.JobResult.success("{}")),
                    org.openhes.headend.scheduler.jobs.JobListener.NONE,
                    new org.openhes.headend.scheduler.jobs.WorkerSettings("second-node", 10, 10, Duration.ofMillis(50), Duration.ofMinutes(1)));
            worker.start();
            long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            int done = 0;
            while (done < ids.size() && System.nanoTime() < until) {
                Thread.sleep(100);
                done = 0;
                for (String id : ids) {
                    CommandStore.Command c = node.services().commands().find(java.util.UUID.fromString(id)).orElseThrow();
                    if (c.status().equals("SUCCEEDED")) done++;
                }
            }
            worker.close();
            assertThat(done).isEqualTo(3);
        }
    }
}
