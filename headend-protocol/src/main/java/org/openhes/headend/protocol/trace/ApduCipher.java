package org.openhes.headend.protocol.trace;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Opens the security envelope of a ciphered APDU (glo-, ded-, general-glo-, general-ded-ciphering and
 * the ciphered exception-responses some meters send): security header, then AES-GCM with IV = system
 * title + invocation counter and AAD = security control byte + AK (+ the plaintext when only
 * authenticated), a 12-byte tag (suites 0-2). A failure is a reason, never an exception: the frame is
 * still shown.
 */
final class ApduCipher {
    private static final int TAG_BYTES = 12;

    /**
     * @param ciphering the envelope as it reads before deciphering (null when even the header is unreadable)
     * @param plain     the deciphered APDU, or null
     * @param problem   why it could not be deciphered, or null
     */
    record Opened(DecodedFrame.Ciphering ciphering, byte[] plain, String problem) {
    }

    private final byte[] authenticationKey;
    private final Masks masks;

    ApduCipher(byte[] authenticationKey, Masks masks) {
        this.authenticationKey = authenticationKey;
        this.masks = masks;
    }

    /**
     * Reads the envelope at {@code r} (its tag first) and deciphers it.
     *
     * @param general whether the system title is carried in the envelope (general-glo/ded-ciphering)
     * @param title   the sender's system title when it is not carried, or null if unknown
     * @param key     the encryption key (global or dedicated), or null if unknown
     * @param carried receives the system title of a general envelope (so that the caller can learn it)
     */
    Opened open(Reader r, String envelope, boolean general, byte[] title, byte[] key, byte[][] carried) {
        r.u8("an APDU tag");
        if (general) {
            int n = (int) Math.min(r.length("a system title's length"), Integer.MAX_VALUE);
            title = r.bytes(n, "a system title");
            carried[0] = title;
        }
        Reader content = r.slice(r.length("the ciphered content's length"), "the ciphered content");
        int from = content.pos();
        int sc = content.u8("a security control byte");
        long counter = content.u32("an invocation counter");
        var info = new DecodedFrame.Ciphering(envelope, security(sc), sc & 0x0F, counter, title == null ? null : systemTitle(title));
        String refusal = refusal(sc, title, key, content.remaining());
        if (refusal != null) return new Opened(info, null, "cannot decipher: " + refusal);
        if (masks.recorderMasked(r.buffer(), from, content.end())) {
            return new Opened(info, null, "cannot decipher: bytes of the ciphered content were masked when the trace was recorded");
        }
        byte[] iv = Arrays.copyOf(title, 12);
        for (int i = 0; i < 4; i++) iv[8 + i] = (byte) (counter >> (24 - 8 * i));
        byte[] rest = content.bytes(content.remaining(), "the ciphered content");
        try {
            return new Opened(info, decipher(sc, key, iv, rest), null);
        } catch (AEADBadTagException e) {
            return new Opened(info, null, "cannot decipher: the tag does not verify (other keys, another system title, or damaged)");
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return new Opened(info, null, "cannot decipher: " + e.getClass().getSimpleName());
        }
    }

    private String refusal(int sc, byte[] title, byte[] key, int remaining) {
        boolean authenticated = (sc & 0x10) != 0, encrypted = (sc & 0x20) != 0;
        if ((sc & 0x80) != 0) return "compressed content is not supported";
        if ((sc & 0x40) != 0) return "the broadcast key is not known";
        if ((sc & 0x0F) > 2) return "security suite " + (sc & 0x0F) + " is not supported";
        if (!authenticated && !encrypted) return null;
        if (title == null) return "the sender's system title is not known (no AARE with a responding-AP-title in this trace)";
        if (title.length != 8) return "a system title of " + title.length + " bytes (8 expected)";
        if (key == null) return "no encryption key was given"; // GMAC too is keyed with it
        if (authenticationKey == null && authenticated) return "no authentication key was given";
        if (authenticated && remaining < TAG_BYTES) return "the content is shorter than its tag";
        return null;
    }

    private byte[] decipher(int sc, byte[] key, byte[] iv, byte[] rest) throws GeneralSecurityException {
        boolean authenticated = (sc & 0x10) != 0, encrypted = (sc & 0x20) != 0;
        if (!authenticated && !encrypted) return rest;
        if (!authenticated) {
            // encryption only: GCM's counter mode without the tag, counting from J0 + 1
            byte[] counterBlock = Arrays.copyOf(iv, 16);
            counterBlock[15] = 2;
            Cipher ctr = Cipher.getInstance("AES/CTR/NoPadding");
            ctr.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(counterBlock));
            return ctr.doFinal(rest);
        }
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BYTES * 8, iv));
        gcm.updateAAD(new byte[] {(byte) sc});
        gcm.updateAAD(authenticationKey);
        if (encrypted) return gcm.doFinal(rest);
        // authenticated only: the plaintext is sent as is and goes into the AAD
        byte[] plain = Arrays.copyOf(rest, rest.length - TAG_BYTES);
        gcm.updateAAD(plain);
        gcm.doFinal(rest, plain.length, TAG_BYTES);
        return plain;
    }

    static String security(int sc) {
        boolean a = (sc & 0x10) != 0, e = (sc & 0x20) != 0;
        String s = a && e ? "authenticated-and-encrypted" : a ? "authenticated" : e ? "encrypted" : "no protection";
        if ((sc & 0x40) != 0) s += ", broadcast key";
        if ((sc & 0x80) != 0) s += ", compressed";
        return s;
    }

    /** A system title in hex, with its manufacturer's three letters when it starts with them. */
    static String systemTitle(byte[] t) {
        String hex = HexFormat.of().withUpperCase().formatHex(t);
        if (t.length >= 3 && letter(t[0]) && letter(t[1]) && letter(t[2])) {
            return hex + " (" + (char) t[0] + (char) t[1] + (char) t[2] + ")";
        }
        return hex;
    }

    private static boolean letter(byte b) {
        return b >= 'A' && b <= 'Z';
    }
}
