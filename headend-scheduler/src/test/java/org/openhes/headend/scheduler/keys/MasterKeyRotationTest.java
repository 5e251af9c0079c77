package org.openhes.headend.scheduler.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openhes.headend.scheduler.TestDatabase;
import org.openhes.headend.scheduler.db.Database;

/** Master key rotation at rest against a real PostgreSQL: online, resumable, never a record that cannot be read. */
class MasterKeyRotationTest {
    static final MasterKey OLD = MasterKey.fromBase64("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");
    static final MasterKey NEW = MasterKey.fromBase64("ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=");
    static final int METERS = 1_200;
    static Database db;

    @BeforeAll
    static void open() throws Exception {
        db = TestDatabase.create();
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO meters (id, serial, host, port, transport, client_sap, server_sap, auth, labels) "
                    + "SELECT lpad(g::text, 18, '0'), 'R' || g, '127.0.0.1', 4059, 'wrapper', 1, 1, 'hls-gmac', '{}'::jsonb "
                    + "FROM generate_series(1, " + METERS + ") g");
        }
    }

    @AfterAll
    static void close() {
        db.close();
    }

    static String meter(int i) {
        return String.format("%018d", i);
    }

    static MeterSecrets secretsOf(int i) {
        byte[] ek = new byte[16], ak = new byte[16];
        for (int b = 0; b < 16; b++) {
            ek[b] = (byte) (i + b);
            ak[b] = (byte) (i * 7 + b);
        }
        return new MeterSecrets(ek, ak, "pw" + i);
    }

    static List<String> meters() {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= METERS; i++) ids.add(meter(i));
        return ids;
    }

    static void assertAllReadable(KeyVault vault) {
        Map<String, MeterSecrets> all = vault.loadAll(meters());
        assertThat(all).hasSize(METERS);
        for (int i = 1; i <= METERS; i++) {
            assertThat(all.get(meter(i)).ek()).isEqualTo(secretsOf(i).ek());
            assertThat(all.get(meter(i)).password()).isEqualTo("pw" + i);
        }
    }

    @Test
    void everyRecordMovesToTheNewKeyInBatchesAndStaysReadableThroughout() throws Exception {
        KeyVault before = new KeyVault(db.dataSource(), OLD);
        for (int i = 1; i <= METERS; i++) before.store(meter(i), secretsOf(i));
        assertThat(before.recordsByMasterKey()).containsExactly(Map.entry(OLD.id(), (long) METERS));

        // step 2 of the rotation: the new key first, the old one still held
        KeyVault rotating = new KeyVault(db.dataSource(), MasterKeyRing.of(NEW, OLD));
        assertAllReadable(rotating);
        // a new version while the rotation runs (its master key added: the same secrets again add no version): under the new key
        rotating.store(meter(1), new MeterSecrets(secretsOf(1).ek(), secretsOf(1).ak(), secretsOf(1).password(), new byte[16]));
        assertThat(rotating.recordsByMasterKey()).containsEntry(NEW.id(), 1L);

        // online: a node that still reads with both keys loads every meter all along
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger loads = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            KeyVault node = new KeyVault(db.dataSource(), MasterKeyRing.of(NEW, OLD));
            while (!done.get() && failure.get() == null) {
                try {
                    assertAllReadable(node);
                    loads.incrementAndGet();
                } catch (Throwable t) {
                    failure.set(t);
                }
            }
        });
        reader.start();
        // resumable: each call takes what is left, whoever calls it
        int first = rotating.rewrap(KeyVault.REWRAP_BATCH);
        assertThat(first).isEqualTo(KeyVault.REWRAP_BATCH);
        assertThat(rotating.recordsByMasterKey().get(OLD.id())).isEqualTo(METERS - KeyVault.REWRAP_BATCH);
        KeyVault anotherNode = new KeyVault(db.dataSource(), MasterKeyRing.of(NEW, OLD));
        int moved = first;
        for (int n; (n = anotherNode.rewrap(KeyVault.REWRAP_BATCH)) > 0; ) moved += n;
        Thread.sleep(200);
        done.set(true);
        reader.join();
        assertThat(failure.get()).isNull();
        assertThat(loads.get()).isPositive();
        assertThat(moved).isEqualTo(METERS);
        assertThat(rotating.recordsByMasterKey()).containsExactly(Map.entry(NEW.id(), METERS + 1L));
        assertThat(rotating.rewrap(KeyVault.REWRAP_BATCH)).isZero();

        // step 4: the old key can go
        assertAllReadable(new KeyVault(db.dataSource(), NEW));
        KeyVault oldOnly = new KeyVault(db.dataSource(), OLD);
        assertThatThrownBy(() -> oldOnly.load(meter(5))).hasMessageContaining("master key " + NEW.id())
                .hasMessageContaining("which this node does not hold (it holds " + OLD.id() + ")");
        // re-encrypted, not copied: no stored ciphertext is left from before
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT count(DISTINCT nonce), count(*) FROM meter_keys")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(rs.getLong(2));
        }
    }

    @Test
    void aRingIsReadFromTheKeyFileCurrentKeyFirstAndNamesKeysByIdOnly() throws Exception {
        Path file = Files.createTempDirectory("ring").resolve("master.key");
        Files.writeString(file, "ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=\nMDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=\n");
        MasterKeyRing ring = MasterKeyRing.loadOrCreate(file);
        assertThat(ring.current().id()).isEqualTo(NEW.id());
        assertThat(ring.ids()).containsExactly(NEW.id(), OLD.id());
        assertThat(ring.toString()).doesNotContain("ZmVk").doesNotContain(HexFormat.of().formatHex(new byte[] {0x30, 0x31}));
        assertThat(MasterKeyRing.parse("ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=,MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=").ids())
                .containsExactly(NEW.id(), OLD.id());
        assertThatThrownBy(() -> MasterKeyRing.parse("ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=,ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA="))
                .hasMessageContaining("given twice");
        Path fresh = Files.createTempDirectory("ring").resolve("master.key");
        assertThat(MasterKeyRing.loadOrCreate(fresh).ids()).hasSize(1);
        assertThat(Files.readString(fresh).strip().lines()).hasSize(1);
    }
}
