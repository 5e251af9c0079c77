package org.openhes.headend.scheduler.keys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/** The AES-256 key that encrypts every meter secret at rest; its id is a hash prefix, never the key. */
public final class MasterKey {
    private final SecretKey key;
    private final String id;

    private MasterKey(byte[] raw) {
        if (raw.length != 32) throw new IllegalArgumentException("the master key must be 32 bytes (base64 of 32 random bytes)");
        this.key = new SecretKeySpec(raw, "AES");
        try {
            this.id = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw), 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** From base64 text (e.g. the HEADEND_MASTER_KEY environment variable). */
    public static MasterKey fromBase64(String b64) {
        try {
            return new MasterKey(Base64.getDecoder().decode(b64.trim()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("HEADEND_MASTER_KEY must be base64 of 32 bytes: " + e.getMessage());
        }
    }

    /** Reads a key file, or creates one (owner-only permissions) when it does not exist. */
    public static MasterKey loadOrCreate(Path file) {
        try {
            if (Files.exists(file)) return fromBase64(Files.readString(file));
            byte[] raw = new byte[32];
            new SecureRandom().nextBytes(raw);
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, Base64.getEncoder().encodeToString(raw) + "\n");
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system
            }
            return new MasterKey(raw);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the master key file " + file, e);
        }
    }

    SecretKey key() {
        return key;
    }

    public String id() {
        return id;
    }

    @Override
    public String toString() {
        return "MasterKey[" + id + "]";
    }
}
