package org.openhes.headend.protocol.trace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secrets of a simulated HLS5-GMAC session, found in the frames as they crossed the link (before the
 * recorder masked anything): the keys, CtoS (AARQ), StoC (AARE), f(StoC) (pass 3) and f(CtoS) (pass 4),
 * the last two by deciphering with the JDK, independently of the decoder under test.
 */
final class SessionSecrets {
    final List<byte[]> all = new ArrayList<>();

    SessionSecrets(SimulatedSession s) throws Exception {
        byte[] ek = s.identity.encryptionKey(), ak = s.identity.authenticationKey();
        all.add(ek);
        all.add(ak);
        byte[] meterTitle = s.identity.systemTitle();
        for (SimulatedSession.Raw r : s.raw) {
            byte[] f = r.bytes();
            int glo = apdu(f);
            if (glo < 0) continue;
            int tag = f[glo] & 0xFF;
            if (tag == 0x60 || tag == 0x61) {
                // calling (AC) and responding (AA) authentication values: 16-byte challenges, charstring choice
                int at = find(f, tag == 0x60 ? 0xAC : 0xAA, 0x12, 0x80, 0x10);
                all.add(Arrays.copyOfRange(f, at + 4, at + 4 + 16));
                continue;
            }
            if (tag != 0xCB && tag != 0xCF) continue; // HLS pass 3 and 4 are the only glo-action APDUs of this session
            byte[] plain = decipher(tag == 0xCB ? SimulatedSession.CLIENT_TITLE : meterTitle, ek, ak, f, glo);
            all.add(Arrays.copyOfRange(plain, plain.length - 17, plain.length)); // the octet string ending the APDU
        }
        if (all.size() != 6) throw new AssertionError("expected 2 keys and 4 HLS values, found " + all.size());
    }

    /** Every 8-byte run of every secret, in hex as one might print it: upper or lower case, spaced or not. */
    List<String> spellings() {
        List<String> out = new ArrayList<>();
        for (byte[] s : all) {
            for (int i = 0; i + 8 <= s.length; i++) {
                byte[] w = Arrays.copyOfRange(s, i, i + 8);
                String plain = HexFormat.of().formatHex(w), spaced = HexFormat.ofDelimiter(" ").formatHex(w);
                out.addAll(List.of(plain, plain.toUpperCase(Locale.ROOT), spaced, spaced.toUpperCase(Locale.ROOT)));
            }
        }
        return out;
    }

    private static int apdu(byte[] f) {
        if (f.length > 8 && f[0] == 0 && f[1] == 1) return 8;
        int llc = find(f, 0xE6, 0xE6, 0x00);
        if (llc < 0) llc = find(f, 0xE6, 0xE7, 0x00);
        return llc < 0 ? -1 : llc + 3;
    }

    private static byte[] decipher(byte[] title, byte[] ek, byte[] ak, byte[] f, int p) throws Exception {
        int len = f[p + 1] & 0xFF; // short A-XDR length: pass 3/4 APDUs are small
        int sc = f[p + 2] & 0xFF;
        byte[] iv = Arrays.copyOf(title, 12);
        System.arraycopy(f, p + 3, iv, 8, 4);
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(ek, "AES"), new GCMParameterSpec(96, iv));
        c.updateAAD(new byte[] {(byte) sc});
        c.updateAAD(ak);
        return c.doFinal(f, p + 7, len - 5);
    }

    private static int find(byte[] f, int... pattern) {
        outer:
        for (int i = 0; i + pattern.length <= f.length; i++) {
            for (int k = 0; k < pattern.length; k++) if ((f[i + k] & 0xFF) != pattern[k]) continue outer;
            return i;
        }
        return -1;
    }
}
