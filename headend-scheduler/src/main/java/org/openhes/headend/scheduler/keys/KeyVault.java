package org.openhes.headend.scheduler.keys;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.sql.DataSource;
import org.openhes.headend.scheduler.db.Sql;

/**
 * Meter secrets encrypted at rest: AES-256-GCM under the master key, a fresh nonce per record, the
 * meter id as associated data (a record moved to another meter does not decrypt). Versioned: storing
 * again adds a version and retires the one it replaces; sessions use the newest <em>active</em>
 * version. A renewal stores its new version <em>pending</em> before sending it to the meter, then
 * {@link #activate}s it (or {@link #abandon}s it) once the meter's answer is known, so the database
 * always holds every key a meter may hold. Each record names the master key it is under: a
 * node decrypts it with any key of its ring, stores under the ring's current key, and {@link #rewrap}
 * moves old records to the current key (see {@link MasterKeyRing} for the rotation).
 */
public final class KeyVault {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(KeyVault.class);
    /** Records re-encrypted per transaction by {@link #rewrap}. */
    public static final int REWRAP_BATCH = 500;

    private final DataSource ds;
    private final MasterKeyRing ring;
    private final MasterKey master;
    private final SecureRandom random = new SecureRandom();

    public KeyVault(DataSource ds, MasterKey master) {
        this(ds, MasterKeyRing.of(master));
    }

    public KeyVault(DataSource ds, MasterKeyRing ring) {
        this.ds = ds;
        this.ring = ring;
        this.master = ring.current();
    }

    public void store(String meterId, MeterSecrets secrets) {
        Sql.tx(ds, c -> {
            storeAll(c, List.of(Map.entry(meterId, secrets)));
            return null;
        });
    }

    /**
     * Stores the registry's secrets of each meter as a new active version inside the caller's
     * transaction, retiring the active one, except where nothing changes: the same keys (no new
     * version), or keys the head-end renewed since (the registry's are older: the renewed ones stay,
     * logged). A registry line without a KEK keeps the one stored.
     */
    public void storeAll(Connection c, List<Map.Entry<String, MeterSecrets>> secrets) throws SQLException {
        Map<String, StoredActive> current = activeRows(c, secrets.stream().map(Map.Entry::getKey).toList());
        List<Map.Entry<String, MeterSecrets>> changed = new java.util.ArrayList<>();
        for (var e : secrets) {
            StoredActive now = current.get(e.getKey());
            MeterSecrets in = e.getValue();
            if (now != null && in.kek() == null && now.secrets().kek() != null) in = new MeterSecrets(in.ek(), in.ak(), in.password(), now.secrets().kek());
            if (now != null && now.secrets().equals(in)) continue;
            if (now != null && now.renewed() && !now.secrets().sameSessionKeys(in)) {
                log.warn("meter {}: the registry's keys are older than the ones the head-end renewed; the renewed keys stay", e.getKey());
                continue;
            }
            changed.add(Map.entry(e.getKey(), in));
        }
        if (changed.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE meter_keys SET state = 'retired', state_changed_at = now() WHERE meter_id = ANY(?) AND state = 'active'
                """)) {
            ps.setArray(1, c.createArrayOf("text", changed.stream().map(Map.Entry::getKey).toArray(String[]::new)));
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO meter_keys (meter_id, version, master_key_id, nonce, ciphertext)
                VALUES (?, COALESCE((SELECT max(version) FROM meter_keys WHERE meter_id = ?), 0) + 1, ?, ?, ?)
                """)) {
            for (var e : changed) {
                byte[] nonce = new byte[12];
                random.nextBytes(nonce);
                ps.setString(1, e.getKey());
                ps.setString(2, e.getKey());
                ps.setString(3, master.id());
                ps.setBytes(4, nonce);
                ps.setBytes(5, seal(master, e.getKey(), nonce, encode(e.getValue())));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private record StoredActive(MeterSecrets secrets, boolean renewed) {
    }

    /** The active secrets of these meters, read in the caller's transaction. */
    private Map<String, StoredActive> activeRows(Connection c, List<String> meterIds) throws SQLException {
        Map<String, StoredActive> out = new java.util.HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT DISTINCT ON (meter_id) meter_id, nonce, ciphertext, master_key_id, origin FROM meter_keys "
                        + "WHERE meter_id = ANY(?) AND state = 'active' ORDER BY meter_id, version DESC")) {
            ps.setArray(1, c.createArrayOf("text", meterIds.toArray(String[]::new)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    var key = ring.find(rs.getString(4));
                    if (key.isEmpty()) continue; // stored again under the current key
                    out.put(rs.getString(1), new StoredActive(decode(open(key.get(), rs.getString(1), rs.getBytes(2), rs.getBytes(3))),
                            rs.getString(5).equals("renewal")));
                }
            }
        }
        return out;
    }

    /** The newest secrets of several meters in one query. */
    public Map<String, MeterSecrets> loadAll(List<String> meterIds) {
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT DISTINCT ON (meter_id) meter_id, nonce, ciphertext, master_key_id FROM meter_keys "
                            + "WHERE meter_id = ANY(?) AND state = 'active' ORDER BY meter_id, version DESC")) {
                ps.setArray(1, c.createArrayOf("text", meterIds.toArray(String[]::new)));
                Map<String, MeterSecrets> out = new java.util.HashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        var key = ring.find(rs.getString(4));
                        if (key.isEmpty()) continue; // load() explains the mismatch
                        out.put(rs.getString(1), decode(open(key.get(), rs.getString(1), rs.getBytes(2), rs.getBytes(3))));
                    }
                }
                return out;
            }
        });
    }

    /** The secrets sessions use: the newest active version. */
    public Optional<MeterSecrets> load(String meterId) {
        return active(meterId).map(KeyVersion::secrets);
    }

    /** One stored version of a meter's secrets. */
    public record KeyVersion(int version, MeterSecrets secrets) {
    }

    /** The newest active version, or empty. */
    public Optional<KeyVersion> active(String meterId) {
        return version(meterId, "active");
    }

    /** The version a renewal stored and has not settled yet, or empty. */
    public Optional<KeyVersion> pending(String meterId) {
        return version(meterId, "pending");
    }

    private Optional<KeyVersion> version(String meterId, String state) {
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT nonce, ciphertext, master_key_id, version FROM meter_keys WHERE meter_id = ? AND state = ?
                     ORDER BY version DESC LIMIT 1
                    """)) {
                ps.setString(1, meterId);
                ps.setString(2, state);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return Optional.<KeyVersion>empty();
                    return Optional.of(new KeyVersion(rs.getInt(4), decode(open(keyOf(meterId, rs.getString(3)), meterId, rs.getBytes(1), rs.getBytes(2)))));
                }
            }
        });
    }

    private MasterKey keyOf(String meterId, String keyId) {
        return ring.find(keyId).orElseThrow(() -> new IllegalStateException("the keys of meter "
                + meterId + " were stored under master key " + keyId + ", which this node does not hold (it holds "
                + String.join(", ", ring.ids()) + "): add that key to master.key or the key file, after the current one"));
    }

    /**
     * Whether a renewal of the meter is being settled: a pending version and a renewal job queued or
     * running to settle it (the meter may hold the pending keys already). No secret is read.
     */
    public boolean renewalUnderWay(String meterId) {
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT EXISTS (SELECT 1 FROM meter_keys WHERE meter_id = ? AND state = 'pending')
                       AND EXISTS (SELECT 1 FROM jobs WHERE meter_id = ? AND type = 'KEY_RENEWAL' AND state IN ('QUEUED', 'RUNNING'))
                    """)) {
                ps.setString(1, meterId);
                ps.setString(2, meterId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getBoolean(1);
                }
            }
        });
    }

    /**
     * Stores {@code secrets} as the meter's pending version (encrypted, committed before anything is
     * sent to the meter); empty when the meter has a pending version already (settle that one first).
     */
    public Optional<KeyVersion> storePending(String meterId, MeterSecrets secrets) {
        byte[] nonce = new byte[12];
        random.nextBytes(nonce);
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO meter_keys (meter_id, version, master_key_id, nonce, ciphertext, state, origin, state_changed_at)
                    VALUES (?, COALESCE((SELECT max(version) FROM meter_keys WHERE meter_id = ?), 0) + 1, ?, ?, ?, 'pending', 'renewal', now())
                    ON CONFLICT (meter_id) WHERE state = 'pending' DO NOTHING
                    RETURNING version
                    """)) {
                ps.setString(1, meterId);
                ps.setString(2, meterId);
                ps.setString(3, master.id());
                ps.setBytes(4, nonce);
                ps.setBytes(5, seal(master, meterId, nonce, encode(secrets)));
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new KeyVersion(rs.getInt(1), secrets)) : Optional.<KeyVersion>empty();
                }
            }
        });
    }

    /**
     * The meter holds the pending {@code version}: it becomes active and the active one retired, in one
     * transaction. False when that version is not pending (settled already, by this node or another).
     */
    public boolean activate(String meterId, int version) {
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    WITH promoted AS (
                        UPDATE meter_keys SET state = 'active', state_changed_at = now() WHERE meter_id = ? AND version = ? AND state = 'pending'
                        RETURNING version)
                    UPDATE meter_keys SET state = 'retired', state_changed_at = now()
                     WHERE meter_id = ? AND state = 'active' AND version < (SELECT version FROM promoted)
                    """)) {
                ps.setString(1, meterId);
                ps.setInt(2, version);
                ps.setString(3, meterId);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT state FROM meter_keys WHERE meter_id = ? AND version = ?")) {
                ps.setString(1, meterId);
                ps.setInt(2, version);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() && rs.getString(1).equals("active");
                }
            }
        });
    }

    /** The meter refused the pending {@code version} (it keeps its active keys): abandoned. False when it is not pending. */
    public boolean abandon(String meterId, int version) {
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE meter_keys SET state = 'abandoned', state_changed_at = now() WHERE meter_id = ? AND version = ? AND state = 'pending'")) {
                ps.setString(1, meterId);
                ps.setInt(2, version);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /**
     * Re-encrypts up to {@code limit} records that are under another key than the current one, in one
     * transaction (rows locked, skipped when another node rewraps them); returns how many. Online and
     * resumable: a record is readable under its old key until its row commits under the new one, and
     * the next call takes what is left. A record under a key this node does not hold stops the run.
     */
    public int rewrap(int limit) {
        return Sql.tx(ds, c -> {
            List<StoredRecord> rows = new java.util.ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT meter_id, version, master_key_id, nonce, ciphertext FROM meter_keys "
                    + "WHERE master_key_id <> ? ORDER BY meter_id, version LIMIT ? FOR UPDATE SKIP LOCKED")) {
                ps.setString(1, master.id());
                ps.setInt(2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) rows.add(new StoredRecord(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getBytes(4), rs.getBytes(5)));
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE meter_keys SET master_key_id = ?, nonce = ?, ciphertext = ? WHERE meter_id = ? AND version = ? AND master_key_id = ?")) {
                for (StoredRecord r : rows) {
                    MasterKey old = ring.find(r.keyId()).orElseThrow(() -> new IllegalStateException("the keys of meter " + r.meterId()
                            + " are under master key " + r.keyId() + ", which this node does not hold: add it after the current key"));
                    byte[] nonce = new byte[12];
                    random.nextBytes(nonce);
                    ps.setString(1, master.id());
                    ps.setBytes(2, nonce);
                    ps.setBytes(3, seal(master, r.meterId(), nonce, open(old, r.meterId(), r.nonce(), r.sealed())));
                    ps.setString(4, r.meterId());
                    ps.setInt(5, r.version());
                    ps.setString(6, r.keyId());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return rows.size();
        });
    }

    private record StoredRecord(String meterId, int version, String keyId, byte[] nonce, byte[] sealed) {
    }

    /** How many records are under each master key (ids only): what a rotation has left to do. */
    public Map<String, Long> recordsByMasterKey() {
        return Sql.tx(ds, c -> {
            Map<String, Long> out = new java.util.TreeMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT master_key_id, count(*) FROM meter_keys GROUP BY master_key_id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
            }
            return out;
        });
    }

    public MasterKeyRing ring() {
        return ring;
    }

    private static byte[] seal(MasterKey master, String meterId, byte[] nonce, byte[] plain) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, master.key(), new GCMParameterSpec(128, nonce));
            cipher.updateAAD(meterId.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return cipher.doFinal(plain);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt meter secrets", e);
        }
    }

    private static byte[] open(MasterKey master, String meterId, byte[] nonce, byte[] sealed) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, master.key(), new GCMParameterSpec(128, nonce));
            cipher.updateAAD(meterId.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return cipher.doFinal(sealed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the stored keys of meter " + meterId + " do not decrypt with master key " + master.id(), e);
        }
    }

    private static byte[] encode(MeterSecrets s) {
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(); DataOutputStream out = new DataOutputStream(bytes)) {
            writeBytes(out, s.ek());
            writeBytes(out, s.ak());
            writeBytes(out, s.password() == null ? null : s.password().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            if (s.kek() != null) writeBytes(out, s.kek()); // absent in records written before there were KEKs
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeShort(b == null ? -1 : b.length);
        if (b != null) out.write(b);
    }

    private static MeterSecrets decode(byte[] plain) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(plain))) {
            byte[] ek = readBytes(in), ak = readBytes(in), pw = readBytes(in);
            byte[] kek = in.available() > 0 ? readBytes(in) : null;
            return new MeterSecrets(ek, ak, pw == null ? null : new String(pw, java.nio.charset.StandardCharsets.UTF_8), kek);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int n = in.readShort();
        if (n < 0) return null;
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }
}
