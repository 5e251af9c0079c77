package org.openhes.headend.api.journey;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openhes.headend.api.config.HeadendConfig;
import org.openhes.headend.api.contract.ContractHttpClient;
import org.openhes.headend.api.node.HeadendNode;
import org.openhes.headend.scheduler.keys.KeyVault;
import org.openhes.headend.scheduler.keys.MasterKeyRing;
import org.openhes.headend.simulator.MeterVariant;
import org.openhes.headend.simulator.MeterVariants;
import org.openhes.headend.simulator.SimulatedFleet;
import org.openhes.headend.simulator.SimulatorConfig;

/**
 * Key renewal end to end over real TCP, PostgreSQL and HTTP: one meter and a fleet campaign through the
 * API; the new keys stored before they are sent, active only once they opened a new association; a
 * link dropped after the transfer settled by the next attempt; a wrong master key refused with the
 * meter kept on its keys; a meter that keeps its counter across the change; the automatic renewal of a
 * counter past its threshold; no key in an answer, a log line or the metrics.
 */
class KeyRenewalJourneyTest {
    static final String ADMIN = "admin-token-for-the-key-renewal-test";
    static final String MASTER = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    static final ObjectMapper JSON = new ObjectMapper();
    final HttpClient http = ContractHttpClient.create();
    final ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs = new ch.qos.logback.core.read.ListAppender<>();
    SimulatedFleet fleet;
    HeadendNode node;
    String base;

    void start(int meters, MeterVariants variants, Map<String, String> settings, java.util.function.UnaryOperator<String> csvEdit) throws Exception {
        start(meters, 0, variants, settings, csvEdit);
    }

    void start(int meters, int wrongKeys, MeterVariants variants, Map<String, String> settings, java.util.function.UnaryOperator<String> csvEdit)
            throws Exception {
        var root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(ch.qos.logback.classic.Level.DEBUG);
        logs.start();
        root.addAppender(logs);
        fleet = SimulatedFleet.start(SimulatorConfig.builder().meters(meters).port(0).variants(variants).wrongKeyMeters(wrongKeys).build());
        Map<String, String> s = new java.util.HashMap<>(Map.of("admin.token", ADMIN, "retry.base", "200ms", "retry.max", "500ms"));
        s.putAll(settings);
        node = HeadendNode.start(HeadendConfig.from(FaultyFleetTest.settings(s)), Clock.systemUTC());
        StringWriter csv = new StringWriter();
        fleet.exportCsv(csv);
        var report = node.services().meters().importCsv(new StringReader(csvEdit.apply(csv.toString())));
        assertThat(report.rejected()).isEmpty();
        base = "http://127.0.0.1:" + node.httpPort();
    }

    @BeforeEach
    void noNode() {
        fleet = null;
        node = null;
    }

    @AfterEach
    void stop() {
        var root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAppender(logs);
        root.setLevel(ch.qos.logback.classic.Level.INFO);
        if (node != null) node.close();
        if (fleet != null) fleet.close();
    }

    @Test
    void oneMetersKeysAreRenewedThroughTheApiAndNoKeyIsShownAnywhere() throws Exception {
        start(2, MeterVariants.NONE, Map.of(), csv -> csv);
        String m0 = fleet.identity(0).ean();
        byte[][] before = fleet.currentKeys(0);
        HttpResponse<String> created = call("POST", "/api/v1/key-renewals", "{\"meterId\":\"" + m0 + "\"}");
        assertThat(created.statusCode()).isEqualTo(202);
        JsonNode campaign = JSON.readTree(created.body());
        assertThat(campaign.get("total").asInt()).isEqualTo(1);
        JsonNode done = awaitFinished(campaign.get("id").asLong());
        assertThat(done.get("succeeded").asInt()).as(done.toString()).isEqualTo(1);

        byte[][] after = fleet.currentKeys(0);
        assertThat(after[0]).isNotEqualTo(before[0]);
        assertThat(after[1]).isNotEqualTo(before[1]);
        assertThat(fleet.keyChanges(0)).isEqualTo(1);
        assertThat(fleet.keyChanges(1)).isZero();
        KeyVault vault = vault();
        assertThat(vault.active(m0).orElseThrow().version()).isEqualTo(2);
        assertThat(vault.active(m0).orElseThrow().secrets().ek()).isEqualTo(after[0]);
        assertThat(vault.active(m0).orElseThrow().secrets().ak()).isEqualTo(after[1]);
        assertThat(vault.active(m0).orElseThrow().secrets().kek()).isEqualTo(fleet.masterKey(0));
        assertThat(vault.pending(m0)).isEmpty();
        assertThat(states(m0)).containsExactly("1:retired:registry", "2:active:renewal");

        // the meter is read with its new keys, through the API
        HttpResponse<String> read = call("POST", "/api/v1/meters/" + m0 + "/reads?wait=30s", null);
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        assertThat(JSON.readTree(read.body()).get("registers")).hasSize(4);

        // the keys, old and new, appear in no answer, no log line, no metric
        List<String> secrets = hexes(before[0], before[1], after[0], after[1], fleet.masterKey(0));
        StringBuilder seen = new StringBuilder(created.body()).append(read.body())
                .append(call("GET", "/api/v1/key-renewals/" + campaign.get("id").asLong(), null).body())
                .append(call("GET", "/api/v1/events?meterId=" + m0, null).body())
                .append(http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body());
        // the appender is detached first: the node's threads go on logging while the lines are read
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        logs.stop();
        Thread.sleep(200); // an append under way when it was detached ends
        for (var e : List.copyOf(logs.list)) seen.append(e.getFormattedMessage()).append(e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage());
        String all = seen.toString().toUpperCase(Locale.ROOT);
        for (String s : secrets) assertThat(all).doesNotContain(s);
        assertThat(logs.list).isNotEmpty();
    }

    @Test
    void aFleetCampaignRenewsEveryMeterAtItsRateSettlesALostLinkAndKeepsAMeterWithAWrongMasterKeyOnItsKeys() throws Exception {
        int meters = 9;
        // meter 7's registry line carries a wrong KEK: its transfer is refused; meter 8 has other keys than
        // the registry says: refused at the association, before anything is sent
        start(meters, 1, MeterVariants.NONE, Map.of(), csv -> {
            String[] lines = csv.split("\n");
            String[] f = lines[8].split(",", -1);
            f[f.length - 1] = "00112233445566778899AABBCCDDEEFF";
            lines[8] = String.join(",", f);
            return String.join("\n", lines) + "\n";
        });
        fleet.dropLinkAfterKeyTransfer(3); // the link drops between the transfer and its answer
        byte[][] wrongKek = fleet.currentKeys(7);
        HttpResponse<String> created = call("POST", "/api/v1/key-renewals", "{\"fleet\":true,\"perMinute\":600}");
        assertThat(created.statusCode()).isEqualTo(202);
        long id = JSON.readTree(created.body()).get("id").asLong();
        assertThat(JSON.readTree(created.body()).get("total").asInt()).isEqualTo(meters);

        // bounded rate: the jobs start 100 ms apart (600 a minute)
        List<Instant> starts = runAts(id);
        assertThat(starts).hasSize(meters);
        for (int k = 1; k < starts.size(); k++) assertThat(Duration.between(starts.get(k - 1), starts.get(k))).isEqualTo(Duration.ofMillis(100));

        JsonNode done = awaitFinished(id);
        assertThat(done.get("succeeded").asInt()).as(done.toString()).isEqualTo(meters - 2);
        assertThat(done.get("dead").asInt()).isEqualTo(2);
        assertThat(done.at("/failuresByKind/KEY_TRANSFER_REFUSED").asInt()).isEqualTo(1);
        assertThat(done.at("/failuresByKind/AUTHENTICATION_FAILED").asInt()).isEqualTo(1);

        KeyVault vault = vault();
        for (int i = 0; i < meters - 2; i++) {
            String m = fleet.identity(i).ean();
            assertThat(fleet.keyChanges(i)).as("meter " + i).isEqualTo(1);
            assertThat(vault.active(m).orElseThrow().secrets().ek()).as("meter " + i).isEqualTo(fleet.currentKeys(i)[0]);
            assertThat(vault.pending(m)).isEmpty();
        }
        // the lost link: the first attempt did not know; the next found the new keys in the meter and activated them
        assertThat(attempts(fleet.identity(3).ean())).isEqualTo(2);
        // the wrong KEK: refused, nothing changed on the meter, the new version abandoned, the old one still active
        String m7 = fleet.identity(7).ean();
        assertThat(fleet.keyChanges(7)).isZero();
        assertThat(fleet.currentKeys(7)[0]).isEqualTo(wrongKek[0]);
        assertThat(states(m7)).containsExactly("1:active:registry", "2:abandoned:renewal");
        // the wrong registry keys: nothing sent, the pending version abandoned (a later renewal starts afresh)
        assertThat(fleet.keyChanges(8)).isZero();
        assertThat(states(fleet.identity(8).ean())).containsExactly("1:active:registry", "2:abandoned:renewal");

        // every meter but the one with wrong registry keys, the refused one on its old keys, is read afterwards
        var run = node.services().planner().createRun(java.time.LocalDate.now(node.services().zone()), Instant.now(), Duration.ofSeconds(1));
        node.services().worker().nudge();
        awaitRun(run.id());
        assertThat(node.services().planner().progress(run.id()).orElseThrow().succeeded()).isEqualTo(meters - 1);
    }

    @Test
    void aMeterThatKeepsItsCounterAcrossTheChangeIsRenewedAndTheResultSaysSo() throws Exception {
        start(1, MeterVariants.of(MeterVariant.Quirk.KEY_CHANGE_KEEPS_COUNTER), Map.of("key.renewal.counter.threshold", "50"), csv -> csv);
        String m0 = fleet.identity(0).ean();
        // some sessions first, so that the meter's counter floor is well above the new key's first values
        for (int k = 0; k < 3; k++) assertThat(call("POST", "/api/v1/meters/" + m0 + "/reads?wait=30s", null).statusCode()).isEqualTo(200);
        JsonNode done = awaitFinished(JSON.readTree(call("POST", "/api/v1/key-renewals", "{\"meterId\":\"" + m0 + "\",\"keys\":\"ek\"}").body())
                .get("id").asLong());
        assertThat(done.get("succeeded").asInt()).as(done.toString()).isEqualTo(1);
        JsonNode result = jobResult(m0);
        assertThat(result.get("keys").asText()).isEqualTo("ek");
        assertThat(result.get("warning").asText()).contains("kept its invocation counter");
        assertThat(fleet.currentKeys(0)[1]).as("the AK is unchanged").isEqualTo(fleet.identity(0).authenticationKey());
        assertThat(call("POST", "/api/v1/meters/" + m0 + "/reads?wait=30s", null).statusCode()).isEqualTo(200);
    }

    @Test
    void aCounterPastItsThresholdHasItsKeysRenewedByTheHeadEndAndItsNewKeyStartsItsOwnCounter() throws Exception {
        start(2, MeterVariants.NONE, Map.of("key.renewal.counter.threshold", "1000000", "key.renewal.auto.every", "300ms"), csv -> csv);
        String m1 = fleet.identity(1).ean();
        // meter 1's counter is far along (as if shipped so): the head-end renews its keys by itself
        new org.openhes.headend.scheduler.counters.InvocationCounters(node.services().db().dataSource()).advancePast(m1, 1, 1_500_000);
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (fleet.keyChanges(1) == 0 || vault().pending(m1).isPresent()) {
            assertThat(System.nanoTime()).as("automatic renewal").isLessThan(until);
            Thread.sleep(200);
        }
        awaitNoRenewalQueued(m1);
        assertThat(fleet.keyChanges(0)).isZero();
        JsonNode campaigns = JSON.readTree(call("GET", "/api/v1/key-renewals", null).body()).get("items");
        assertThat(campaigns.get(0).get("scope").asText()).isEqualTo("headroom");
        // the new key's counter is its own: small again; the old key's went on only for the transfer's session (one block)
        assertThat(counters(m1).get(1)).isBetween(1_500_001L + 1, 1_500_001L + 64);
        assertThat(counters(m1).get(2)).isBetween(1L, 1000L);
        assertThat(new org.openhes.headend.scheduler.counters.InvocationCounters(node.services().db().dataSource()).lowestHeadroom().orElseThrow())
                .isGreaterThan(org.openhes.headend.scheduler.counters.InvocationCounters.LIMIT - 1_000_000);
    }

    // ------------------------------------------------------------------ helpers

    private KeyVault vault() {
        return new KeyVault(node.services().db().dataSource(), MasterKeyRing.from(MASTER, null));
    }

    JsonNode awaitFinished(long campaign) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        JsonNode p;
        do {
            Thread.sleep(200);
            p = JSON.readTree(call("GET", "/api/v1/key-renewals/" + campaign, null).body());
        } while (!p.get("finished").asBoolean() && System.nanoTime() < until);
        assertThat(p.get("finished").asBoolean()).as(p.toString()).isTrue();
        return p;
    }

    private void awaitRun(long run) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (node.services().planner().progress(run).orElseThrow().pending() > 0 && System.nanoTime() < until) Thread.sleep(200);
    }

    private void awaitNoRenewalQueued(String meterId) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < until) {
            if (query("SELECT count(*) FROM jobs WHERE meter_id = ? AND type = 'KEY_RENEWAL' AND state IN ('QUEUED', 'RUNNING')", meterId).get(0).equals("0")) return;
            Thread.sleep(200);
        }
        throw new AssertionError("a renewal of " + meterId + " is still queued");
    }

    HttpResponse<String> call(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + ADMIN).timeout(Duration.ofSeconds(60));
        if (body != null) b.header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private List<String> states(String meterId) throws Exception {
        return query("SELECT version || ':' || state || ':' || origin FROM meter_keys WHERE meter_id = ? ORDER BY version", meterId);
    }

    private List<Instant> runAts(long campaign) throws Exception {
        List<Instant> out = new ArrayList<>();
        for (String t : query("SELECT to_char(run_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') FROM jobs WHERE key_campaign_id = ?::bigint ORDER BY run_at",
                String.valueOf(campaign))) out.add(Instant.parse(t));
        return out;
    }

    private int attempts(String meterId) throws Exception {
        return Integer.parseInt(query("SELECT attempts FROM jobs WHERE meter_id = ? AND type = 'KEY_RENEWAL'", meterId).get(0));
    }

    private JsonNode jobResult(String meterId) throws Exception {
        return JSON.readTree(query("SELECT result::text FROM jobs WHERE meter_id = ? AND type = 'KEY_RENEWAL' AND state = 'SUCCEEDED'", meterId).get(0));
    }

    private Map<Integer, Long> counters(String meterId) throws Exception {
        Map<Integer, Long> out = new java.util.TreeMap<>();
        for (String row : query("SELECT key_version || '=' || next_value FROM invocation_counters WHERE meter_id = ? AND client_sap = 1", meterId)) {
            String[] kv = row.split("=");
            out.put(Integer.parseInt(kv[0]), Long.parseLong(kv[1]));
        }
        return out;
    }

    List<String> query(String sql, String param) throws Exception {
        try (Connection c = node.services().db().dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, param);
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getString(1));
            }
            return out;
        }
    }

    private static List<String> hexes(byte[]... keys) {
        List<String> out = new ArrayList<>();
        for (byte[] k : keys) out.add(HexFormat.of().withUpperCase().formatHex(k));
        return out;
    }
}
