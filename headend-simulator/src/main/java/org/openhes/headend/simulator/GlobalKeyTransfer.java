package org.openhes.headend.simulator;

import java.security.GeneralSecurityException;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * The meter's side of {@code global_key_transfer} (security setup, method 2): the parameter is an array
 * of structure { key_id enum, key_wrapped octet-string }, each key wrapped (RFC 3394) under the meter's
 * master key (KEK). All or nothing: a key that does not unwrap (another KEK: the integrity check fails),
 * an unknown key_id or a malformed parameter refuses the whole transfer and changes nothing, as a meter
 * must not end up with half a key set. Written apart from the head-end's wrap, so that the two check
 * each other.
 */
final class GlobalKeyTransfer {
    static final int UNICAST_ENCRYPTION_KEY = 0, BROADCAST_ENCRYPTION_KEY = 1, AUTHENTICATION_KEY = 2;

    /** The keys a transfer carries, unwrapped: null for a key it does not change. Never printed. */
    record NewKeys(byte[] encryptionKey, byte[] authenticationKey) {
        @Override
        public String toString() {
            return "NewKeys[" + (encryptionKey != null ? "ek" : "") + (authenticationKey != null ? " ak" : "") + ", ***]";
        }
    }

    private GlobalKeyTransfer() {
    }

    /** The new keys of {@code parameter}, or null when the transfer must be refused. */
    static NewKeys unwrap(Object parameter, byte[] kek) {
        if (!(parameter instanceof List<?> items) || items.isEmpty() || items.size() > 3) return null;
        byte[] ek = null, ak = null;
        for (Object item : items) {
            if (!(item instanceof List<?> s) || s.size() != 2 || !(s.get(1) instanceof byte[] wrapped)) return null;
            int id = keyId(s.get(0));
            byte[] key = unwrapOne(kek, wrapped);
            if (key == null) return null;
            if (id == UNICAST_ENCRYPTION_KEY && ek == null) ek = key;
            else if (id == AUTHENTICATION_KEY && ak == null) ak = key;
            else return null; // broadcast keys are not used by the simulator; a key twice is malformed
        }
        return new NewKeys(ek, ak);
    }

    private static int keyId(Object v) {
        if (v instanceof Number n) return n.intValue(); // Gurux's GXEnum included
        return -1;
    }

    /** The 16-byte key {@code wrapped} holds, or null when it does not unwrap with {@code kek}. */
    static byte[] unwrapOne(byte[] kek, byte[] wrapped) {
        if (wrapped.length != 24) return null;
        try {
            Cipher c = Cipher.getInstance("AESWrap");
            c.init(Cipher.UNWRAP_MODE, new SecretKeySpec(kek, "AES"));
            byte[] key = c.unwrap(wrapped, "AES", Cipher.SECRET_KEY).getEncoded();
            return key.length == 16 ? key : null;
        } catch (GeneralSecurityException integrityCheckFailed) {
            return null;
        }
    }
}
