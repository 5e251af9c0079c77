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
 * again adds a version, loading takes the newest.
 */
public final class KeyVault {
    private final DataSource ds;
    private final MasterKey master;
    private final SecureRandom random = new SecureRandom();

    public KeyVault(DataSource ds, MasterKey master) {
        this.ds = ds;
        this.master = master;
    }

    public void store(String meterId, MeterSecrets secrets) {
        Sql.tx(ds, c -> {
            storeAll(c, List.of(Map.entry(meterId, secrets)));
            return null;
        });
    }

    /** Stores a new version of each meter's secrets inside the caller's transaction. */
    public void storeAll(Connection c, List<Map.Entry<String, MeterSecrets>> secrets) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO meter_keys (meter_id, version, master_key_id, nonce, ciphertext)
                VALUES (?, COALESCE((SELECT max(version) FROM meter_keys WHERE meter_id = ?), 0) + 1, ?, ?, ?)
                """)) {
            for (var e : secrets) {
                byte[] nonce = new byte[12];
                random.nextBytes(nonce);
                ps.setString(1, e.getKey());
                ps.setString(2, e.getKey());
                ps.setString(3, master.id());
                ps.setBytes(4, nonce);
                ps.setBytes(5, seal(e.getKey(), nonce, encode(e.getValue())));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** The newest secrets of several meters in one query. */
    public Map<String, MeterSecrets> loadAll(List<String> meterIds) {
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT DISTINCT ON (meter_id) meter_id, nonce, ciphertext, master_key_id FROM meter_keys "
                            + "WHERE meter_id = ANY(?) ORDER BY meter_id, version DESC")) {
                ps.setArray(1, c.createArrayOf("text", meterIds.toArray(String[]::new)));
                Map<String, MeterSecrets> out = new java.util.HashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (!rs.getString(4).equals(master.id())) continue; // load() explains the mismatch
                        out.put(rs.getString(1), decode(open(rs.getString(1), rs.getBytes(2), rs.getBytes(3))));
                    }
                }
                return out;
            }
        });
    }

    public Optional<MeterSecrets> load(String meterId) {
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT nonce, ciphertext, master_key_id FROM meter_keys WHERE meter_id = ? ORDER BY version DESC LIMIT 1
                    """)) {
                ps.setString(1, meterId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return Optional.<MeterSecrets>empty();
                    if (!rs.getString(3).equals(master.id())) {
                        throw new IllegalStateException("the keys of meter " + meterId + " were stored under master key "
                                + rs.getString(3) + ", not the configured " + master.id());
                    }
                    return Optional.of(decode(open(meterId, rs.getBytes(1), rs.getBytes(2))));
                }
            }
        });
    }

    private byte[] seal(String meterId, byte[] nonce, byte[] plain) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, master.key(), new GCMParameterSpec(128, nonce));
            cipher.updateAAD(meterId.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return cipher.doFinal(plain);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt meter secrets", e);
        }
    }

    private byte[] open(String meterId, byte[] nonce, byte[] sealed) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, master.key(), new GCMParameterSpec(128, nonce));
            cipher.updateAAD(meterId.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return cipher.doFinal(sealed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the stored keys of meter " + meterId + " do not decrypt with the master key", e);
        }
    }

    private static byte[] encode(MeterSecrets s) {
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(); DataOutputStream out = new DataOutputStream(bytes)) {
            writeBytes(out, s.ek());
            writeBytes(out, s.ak());
            writeBytes(out, s.password() == null ? null : s.password().getBytes(java.nio.charset.StandardCharsets.UTF_8));
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
            return new MeterSecrets(ek, ak, pw == null ? null : new String(pw, java.nio.charset.StandardCharsets.UTF_8));
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
