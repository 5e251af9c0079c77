package org.openhes.headend.interop.meter;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Objects;

/**
 * How to build a {@link JdlmsMeter}: identity, keys, the LLS password of the reader client, the
 * clock and the framing. Validated on construction; {@link #toString()} never shows a key.
 *
 * @param manufacturerId three-letter FLAG code, the first three bytes of the system title
 * @param deviceId the last five bytes of the system title
 * @param logicalDeviceName 0-0:42.0.0.255, at most 16 characters
 * @param encryptionKey global unicast encryption key (EK), 16 bytes
 * @param authenticationKey authentication key (AK), 16 bytes
 * @param masterKey key-encryption key, 16 bytes (jDLMS wants one whenever HLS is used)
 * @param readerPassword LLS secret of client SAP 32
 * @param clock true time; the meter keeps its own offset from it
 * @param framing wrapper (with the invocation counter front) or HDLC (straight to jDLMS)
 */
public record MeterSettings(String manufacturerId, long deviceId, String logicalDeviceName, byte[] encryptionKey,
        byte[] authenticationKey, byte[] masterKey, byte[] readerPassword, Clock clock, Framing framing) {

    /** The DLMS session layer on TCP. */
    public enum Framing { WRAPPER, HDLC }

    public MeterSettings {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(framing, "framing");
        if (manufacturerId == null || manufacturerId.length() != 3) {
            throw new IllegalArgumentException("manufacturerId must be 3 characters (was " + manufacturerId + ")");
        }
        if (deviceId < 0 || deviceId > 0xFF_FFFF_FFFFL) {
            throw new IllegalArgumentException("deviceId must fit in 5 bytes (was " + deviceId + ")");
        }
        if (logicalDeviceName == null || logicalDeviceName.isEmpty() || logicalDeviceName.length() > 16) {
            throw new IllegalArgumentException("logicalDeviceName must be 1..16 characters (was " + logicalDeviceName + ")");
        }
        requireKey("encryptionKey", encryptionKey);
        requireKey("authenticationKey", authenticationKey);
        requireKey("masterKey", masterKey);
        if (readerPassword == null || readerPassword.length == 0) {
            throw new IllegalArgumentException("readerPassword must not be empty");
        }
        encryptionKey = encryptionKey.clone();
        authenticationKey = authenticationKey.clone();
        masterKey = masterKey.clone();
        readerPassword = readerPassword.clone();
    }

    /** A meter with fixed test keys and identity, on wrapper framing, at {@code clock}'s time. */
    public static MeterSettings forTests(Clock clock) {
        return new MeterSettings("IOM", 0x01_2345_6789L, "IOM0012345678901", sequence(0x10), sequence(0x20),
                sequence(0x30), "reader-32".getBytes(StandardCharsets.US_ASCII), clock, Framing.WRAPPER);
    }

    public MeterSettings withFraming(Framing f) {
        return new MeterSettings(manufacturerId, deviceId, logicalDeviceName, encryptionKey, authenticationKey, masterKey,
                readerPassword, clock, f);
    }

    @Override
    public byte[] encryptionKey() {
        return encryptionKey.clone();
    }

    @Override
    public byte[] authenticationKey() {
        return authenticationKey.clone();
    }

    @Override
    public byte[] masterKey() {
        return masterKey.clone();
    }

    @Override
    public byte[] readerPassword() {
        return readerPassword.clone();
    }

    @Override
    public String toString() {
        return "MeterSettings[" + manufacturerId + String.format("%010X", deviceId) + ", ldn=" + logicalDeviceName
                + ", framing=" + framing + ", keys=(hidden)]";
    }

    private static void requireKey(String name, byte[] key) {
        if (key == null || key.length != 16) {
            throw new IllegalArgumentException(name + " must be 16 bytes (was " + (key == null ? "null" : key.length) + ")");
        }
    }

    private static byte[] sequence(int first) {
        byte[] key = new byte[16];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (first + i);
        }
        return key;
    }
}
