package org.openhes.headend.scheduler.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openhes.headend.scheduler.MutableClock;
import org.openhes.headend.scheduler.TestDatabase;
import org.openhes.headend.scheduler.counters.InvocationCounters;
import org.openhes.headend.scheduler.db.Database;
import org.openhes.headend.scheduler.db.Sql;

/**
 * The stores behind key renewal against a real PostgreSQL: key versions and their states, the
 * registry's imports that never undo a renewal, counters per key version, campaigns at a bounded rate.
 */
class KeyRenewalStoresTest {
    static final MasterKey MASTER = MasterKey.fromBase64("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");
    Database db;
    KeyVault vault;
    MutableClock clock = new MutableClock(Instant.parse("2026-12-04T10:00:00Z"));

    @BeforeEach
    void open() throws Exception {
        db = TestDatabase.create();
        vault = new KeyVault(db.dataSource(), MASTER);
        sql("INSERT INTO meters (id, serial, host, port, transport, client_sap, server_sap, auth, labels) "
                + "SELECT lpad(g::text, 18, '0'), 'R' || g, '127.0.0.1', 4059, 'wrapper', 1, 1, 'hls-gmac', "
                + "jsonb_build_object('cell', CASE WHEN g <= 3 THEN 'C1' ELSE 'C2' END) FROM generate_series(1, 5) g");
    }

    @AfterEach
    void close() {
        db.close();
    }

    static String meter(int i) {
        return String.format("%018d", i);
    }

    static byte[] key(int seed) {
        byte[] k = new byte[16];
        for (int b = 0; b < 16; b++) k[b] = (byte) (seed * 31 + b);
        return k;
    }

    static MeterSecrets secrets(int seed, byte[] kek) {
        return new MeterSecrets(key(seed), key(seed + 100), null, kek);
    }

    void register(String m, MeterSecrets s) {
        Sql.tx(db.dataSource(), c -> {
            vault.storeAll(c, List.of(Map.entry(m, s)));
            return null;
        });
    }

    @Test
    void aPendingVersionIsActivatedOrAbandonedOnceAndTheActiveOneIsWhatSessionsUse() throws Exception {
        String m = meter(1);
        register(m, secrets(1, key(9)));
        KeyVault.KeyVersion active = vault.active(m).orElseThrow();
        assertThat(active.version()).isEqualTo(1);
        assertThat(active.secrets().kek()).isEqualTo(key(9));

        KeyVault.KeyVersion pending = vault.storePending(m, active.secrets().withKeys(key(2), key(3))).orElseThrow();
        assertThat(pending.version()).isEqualTo(2);
        assertThat(vault.storePending(m, active.secrets().withKeys(key(4), null))).as("one pending version at a time").isEmpty();
        assertThat(vault.load(m).orElseThrow().ek()).as("sessions keep the active keys").isEqualTo(key(1));
        assertThat(vault.pending(m).orElseThrow().secrets().ek()).isEqualTo(key(2));
        assertThat(vault.pending(m).orElseThrow().secrets().kek()).as("the KEK goes along").isEqualTo(key(9));

        assertThat(vault.activate(m, 2)).isTrue();
        assertThat(vault.activate(m, 2)).as("activating again is harmless").isTrue();
        assertThat(vault.load(m).orElseThrow().ek()).isEqualTo(key(2));
        assertThat(vault.pending(m)).isEmpty();
        assertThat(states(m)).containsExactly("1:retired", "2:active");

        KeyVault.KeyVersion refused = vault.storePending(m, vault.active(m).orElseThrow().secrets().withKeys(key(5), key(6))).orElseThrow();
        assertThat(vault.abandon(m, refused.version())).isTrue();
        assertThat(vault.activate(m, refused.version())).as("an abandoned version never becomes active").isFalse();
        assertThat(vault.load(m).orElseThrow().ek()).isEqualTo(key(2));
        assertThat(states(m)).containsExactly("1:retired", "2:active", "3:abandoned");
    }

    @Test
    void aReimportAddsNoVersionForTheSameKeysKeepsTheKekAndNeverUndoesARenewal() throws Exception {
        String m = meter(1), other = meter(2);
        register(m, secrets(1, key(9)));
        register(m, secrets(1, key(9)));
        assertThat(states(m)).as("the same keys again: no new version").containsExactly("1:active");
        register(m, secrets(1, null));
        assertThat(states(m)).as("a line without a KEK keeps the stored one").containsExactly("1:active");
        register(m, secrets(7, null));
        assertThat(states(m)).containsExactly("1:retired", "2:active");
        assertThat(vault.load(m).orElseThrow().kek()).isEqualTo(key(9));

        KeyVault.KeyVersion renewed = vault.storePending(m, vault.active(m).orElseThrow().secrets().withKeys(key(20), key(21))).orElseThrow();
        vault.activate(m, renewed.version());
        register(m, secrets(7, key(9))); // the registry file's keys, older than the renewal
        assertThat(vault.load(m).orElseThrow().ek()).as("the renewed keys stay").isEqualTo(key(20));
        assertThat(states(m)).containsExactly("1:retired", "2:retired", "3:active");

        register(other, secrets(2, null));
        register(other, secrets(3, key(8)));
        assertThat(states(other)).as("a meter the head-end never renewed takes the registry's new keys").containsExactly("1:retired", "2:active");
    }

    @Test
    void eachKeyVersionHasItsOwnCounterAndOnlyTheActiveOnesCount() throws Exception {
        InvocationCounters counters = new InvocationCounters(db.dataSource());
        String m = meter(1), n = meter(2);
        register(m, secrets(1, key(9)));
        register(n, secrets(2, key(9)));
        counters.advancePast(m, 1, 4_000_000_000L);
        assertThat(counters.reserve(m, 1, 32)).isEqualTo(4_000_000_001L);
        assertThat(counters.nearingLimit(500_000_000L, 10, clock.instant().minus(Duration.ofDays(1)))).containsExactly(m);
        assertThat(counters.lowestHeadroom().orElseThrow()).isEqualTo(InvocationCounters.LIMIT - 4_000_000_033L);

        KeyVault.KeyVersion pending = vault.storePending(m, vault.active(m).orElseThrow().secrets().withKeys(key(5), key(6))).orElseThrow();
        long[] first = counters.reserveAll(List.of(new InvocationCounters.Request(m, 1, 32, pending.version())));
        assertThat(first[0]).as("the pending key's own counter starts at 1").isEqualTo(1);
        assertThat(counters.reserve(m, 1, 1)).as("the active key's goes on").isEqualTo(4_000_000_033L);
        vault.activate(m, pending.version());
        assertThat(counters.reserve(m, 1, 1)).as("now the active key is the new one").isEqualTo(33);
        assertThat(counters.nearingLimit(500_000_000L, 10, clock.instant().minus(Duration.ofDays(1)))).isEmpty();
        assertThat(counters.lowestHeadroom().orElseThrow()).isEqualTo(InvocationCounters.LIMIT - 34);
        counters.advancePast(m, 1, pending.version(), 10);
        assertThat(counters.next(m, 1).orElseThrow()).as("advancing never lowers").isEqualTo(34);
    }

    @Test
    void aCampaignSpreadsItsJobsAtItsRateCoversItsScopeAndLeavesAMeterToARenewalUnderWay() throws Exception {
        KeyCampaignStore campaigns = new KeyCampaignStore(db.dataSource(), clock);
        for (int i = 1; i <= 5; i++) register(meter(i), secrets(i, key(9)));
        sql("UPDATE meters SET auth = 'low' WHERE id = '" + meter(5) + "'");
        var cell = campaigns.create(KeyCampaignStore.Scope.label("cell=C1"), "both", 30, "admin");
        assertThat(cell.total()).isEqualTo(3);
        assertThat(runAts(cell.id())).containsExactly(clock.instant(), clock.instant().plusSeconds(2), clock.instant().plusSeconds(4));
        var fleet = campaigns.create(KeyCampaignStore.Scope.wholeFleet(), "ek", 60, "admin");
        assertThat(fleet.total()).as("meters 1-3 are queued already, meter 5 has no HLS keys").isEqualTo(1);
        var one = campaigns.create(KeyCampaignStore.Scope.meter(meter(1)), "ak", 60, "admin");
        assertThat(one.total()).isZero();
        sql("UPDATE jobs SET state = 'DEAD', attempts = 6, last_failure_kind = 'KEY_TRANSFER_REFUSED', finished_at = now() WHERE meter_id = '" + meter(2) + "'");
        sql("UPDATE jobs SET state = 'SUCCEEDED', finished_at = now() WHERE meter_id = '" + meter(1) + "'");
        var p = campaigns.progress(cell.id()).orElseThrow();
        assertThat(p.queued()).isEqualTo(1);
        assertThat(p.succeeded()).isEqualTo(1);
        assertThat(p.dead()).isEqualTo(1);
        assertThat(p.failuresByKind()).containsExactly(Map.entry("KEY_TRANSFER_REFUSED", 1L));
        assertThat(p.finished()).isFalse();
        assertThat(p.lastStart()).isEqualTo(clock.instant().plusSeconds(4));
        // the same figures for many campaigns at once (what the list and the console show)
        var all = campaigns.recentProgress(10);
        assertThat(all).extracting(pr -> pr.campaign().id()).containsExactly(one.id(), fleet.id(), cell.id());
        assertThat(all.get(2)).isEqualTo(p);
        assertThat(all.get(1).queued()).isEqualTo(1);
        assertThat(all.get(0).queued() + all.get(0).running() + all.get(0).succeeded() + all.get(0).dead()).isZero();
        assertThat(all.get(0).lastStart()).isNull();
        clock.advance(Duration.ofHours(2));
        assertThat(campaigns.stuckJobs(Duration.ofHours(1))).as("meter 3 and 4 queued past their start by an hour, meter 2 dead today").isEqualTo(3);
    }

    private List<String> states(String m) throws Exception {
        return query("SELECT version || ':' || state FROM meter_keys WHERE meter_id = '" + m + "' ORDER BY version");
    }

    private List<Instant> runAts(long campaign) throws Exception {
        List<Instant> out = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT run_at FROM jobs WHERE key_campaign_id = ? ORDER BY run_at")) {
            ps.setLong(1, campaign);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getTimestamp(1).toInstant());
            }
        }
        return out;
    }

    private List<String> query(String q) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(q)) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }

    private void sql(String statement) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }
}
