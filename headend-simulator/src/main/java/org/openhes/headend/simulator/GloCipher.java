package org.openhes.headend.simulator;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Security suite 0 (AES-GCM-128) for APDUs the variants build or look into themselves:
 * {@code tag length SC IC ciphertext tag12}, authenticated and encrypted (security control 0x30),
 * IV = the sender's system title and the invocation counter, additional data = SC and the
 * authentication key.
 */
final class GloCipher {
    static final int AUTHENTICATED_ENCRYPTED = 0x30;
    private static final int TAG_BYTES = 12;

    private GloCipher() {
    }

    /** {@code plaintext} ciphered under {@code tag} with counter {@code ic}, as sent by {@code systemTitle}. */
    static byte[] cipher(int tag, byte[] plaintext, long ic, byte[] systemTitle, byte[] ek, byte[] ak) {
        byte[] sealed = run(Cipher.ENCRYPT_MODE, plaintext, ic, systemTitle, ek, ak);
        ByteArrayOutputStream out = new ByteArrayOutputStream(sealed.length + 10);
        out.write(tag);
        writeLength(out, 5 + sealed.length);
        out.write(AUTHENTICATED_ENCRYPTED);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) ic).array());
        out.writeBytes(sealed);
        return out.toByteArray();
    }

    /**
     * The plaintext of a ciphered APDU sent by {@code systemTitle}, or null when it is not one in this form
     * or does not authenticate.
     */
    static byte[] decipher(byte[] apdu, byte[] systemTitle, byte[] ek, byte[] ak) {
        if (apdu.length < 2) return null;
        int pos = 1;
        int length = apdu[pos++] & 0xFF;
        if (length == 0x81 && apdu.length > 2) {
            length = apdu[pos++] & 0xFF;
        } else if (length == 0x82 && apdu.length > 3) {
            length = ((apdu[pos] & 0xFF) << 8) | (apdu[pos + 1] & 0xFF);
            pos += 2;
        } else if (length > 0x80) {
            return null;
        }
        if (length != apdu.length - pos || length < 5 + TAG_BYTES || (apdu[pos] & 0xFF) != AUTHENTICATED_ENCRYPTED) return null;
        long ic = ByteBuffer.wrap(apdu, pos + 1, 4).getInt() & 0xFFFFFFFFL;
        try {
            return run(Cipher.DECRYPT_MODE, Arrays.copyOfRange(apdu, pos + 5, apdu.length), ic, systemTitle, ek, ak);
        } catch (IllegalStateException e) {
            return null;
        }
    }

    private static byte[] run(int mode, byte[] input, long ic, byte[] systemTitle, byte[] ek, byte[] ak) {
        byte[] iv = ByteBuffer.allocate(12).put(systemTitle, 0, 8).putInt((int) ic).array();
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(mode, new SecretKeySpec(ek, "AES"), new GCMParameterSpec(TAG_BYTES * 8, iv));
            c.updateAAD(new byte[] {(byte) AUTHENTICATED_ENCRYPTED});
            c.updateAAD(ak);
            return c.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed: " + e.getMessage(), e);
        }
    }

    private static void writeLength(ByteArrayOutputStream out, int length) {
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else {
            out.write(0x82);
            out.write(length >> 8);
            out.write(length);
        }
    }
}
