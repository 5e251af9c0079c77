package org.openhes.headend.protocol.model;

import java.util.HexFormat;
import java.util.Objects;

/**
 * The secrets of one association. {@link #toString()} never shows them.
 *
 * @param authentication      mechanism
 * @param password            LLS password (LOW only), else null
 * @param clientSystemTitle   the head-end's 8-byte system title (HLS only)
 * @param encryptionKey       global unicast encryption key, 16 bytes (HLS only)
 * @param authenticationKey   authentication key, 16 bytes (HLS only)
 */
public record MeterSecurity(Authentication authentication, String password, byte[] clientSystemTitle,
                            byte[] encryptionKey, byte[] authenticationKey) {
    public MeterSecurity {
        Objects.requireNonNull(authentication, "authentication");
        if (authentication == Authentication.LOW && (password == null || password.isEmpty()))
            throw new IllegalArgumentException("LLS (low) authentication needs a password");
        if (authentication == Authentication.HLS_GMAC) {
            check("system title", clientSystemTitle, 8);
            check("encryption key", encryptionKey, 16);
            check("authentication key", authenticationKey, 16);
        }
    }

    private static void check(String what, byte[] b, int len) {
        if (b == null || b.length != len)
            throw new IllegalArgumentException(what + " must be " + len + " bytes (" + 2 * len + " hex digits) for hls-gmac");
    }

    public static MeterSecurity none() {
        return new MeterSecurity(Authentication.NONE, null, null, null, null);
    }

    public static MeterSecurity low(String password) {
        return new MeterSecurity(Authentication.LOW, password, null, null, null);
    }

    public static MeterSecurity hlsGmac(byte[] clientSystemTitle, byte[] ek, byte[] ak) {
        return new MeterSecurity(Authentication.HLS_GMAC, null, clientSystemTitle, ek, ak);
    }

    public boolean ciphered() {
        return authentication == Authentication.HLS_GMAC;
    }

    @Override
    public String toString() {
        return "MeterSecurity[" + authentication.label()
                + (clientSystemTitle == null ? "" : ", systemTitle=" + HexFormat.of().formatHex(clientSystemTitle))
                + (authentication == Authentication.NONE ? "" : ", secrets=***") + "]";
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
