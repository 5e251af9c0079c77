package org.openhes.headend.protocol.session;

import java.security.GeneralSecurityException;
import java.security.Key;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * RFC 3394 AES key wrap (default IV {@code A6A6A6A6A6A6A6A6}), as DLMS {@code global_key_transfer}
 * carries a new key: wrapped under the meter's master key (KEK), so that a key never crosses the link,
 * even inside the ciphered APDU, in a form the current association's keys could open. The JDK's
 * {@code AESWrap} does the work; this class only fixes the sizes and keeps key bytes out of messages.
 */
public final class KeyWrap {
    /** AES-128 keys, as HLS5-GMAC suite 0 uses for the KEK, the encryption and the authentication key. */
    public static final int KEY_BYTES = 16;
    /** A wrapped 16-byte key: the key and an 8-byte integrity check value. */
    public static final int WRAPPED_BYTES = KEY_BYTES + 8;

    private KeyWrap() {
    }

    /** {@code key} (16 bytes) wrapped under {@code kek} (16 bytes): 24 bytes. */
    public static byte[] wrap(byte[] kek, byte[] key) {
        check("KEK", kek, KEY_BYTES);
        check("key to wrap", key, KEY_BYTES);
        try {
            Cipher c = Cipher.getInstance("AESWrap");
            c.init(Cipher.WRAP_MODE, new SecretKeySpec(kek, "AES"));
            return c.wrap(new SecretKeySpec(key, "AES"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES key wrap is not available: " + e.getClass().getSimpleName());
        }
    }

    /**
     * The key {@code wrapped} holds, unwrapped with {@code kek}.
     *
     * @throws IllegalArgumentException when the integrity check fails (another KEK, or damaged bytes)
     */
    public static byte[] unwrap(byte[] kek, byte[] wrapped) {
        check("KEK", kek, KEY_BYTES);
        check("wrapped key", wrapped, WRAPPED_BYTES);
        Key key;
        try {
            Cipher c = Cipher.getInstance("AESWrap");
            c.init(Cipher.UNWRAP_MODE, new SecretKeySpec(kek, "AES"));
            key = c.unwrap(wrapped, "AES", Cipher.SECRET_KEY);
        } catch (GeneralSecurityException e) {
            // no cause: a provider's message could carry key material one day
            throw new IllegalArgumentException("the wrapped key does not unwrap with this KEK (integrity check failed)");
        }
        return key.getEncoded();
    }

    private static void check(String what, byte[] b, int length) {
        if (b == null || b.length != length) {
            throw new IllegalArgumentException(what + " must be " + length + " bytes (was " + (b == null ? "null" : b.length + " bytes") + ")");
        }
    }
}
