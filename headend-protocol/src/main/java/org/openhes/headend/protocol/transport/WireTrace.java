package org.openhes.headend.protocol.transport;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A readable record of one session's frames for field engineers: direction, time, step and hex.
 * Frames are ciphered under HLS, so the trace holds no key material and no plaintext secrets
 * (the calling-authentication-value of an AARQ, the LLS password or the HLS challenge, is masked).
 * {@code org.openhes.headend.protocol.trace.TraceDecoder} decodes and deciphers a trace for display.
 */
public final class WireTrace {
    /** One frame: when, which way, the step, what kind of PDU it carries, and its bytes. */
    public record Entry(Instant at, String direction, String step, String pdu, String hex) {
        @Override
        public String toString() {
            return at + " " + direction + " " + step + " [" + pdu + "] " + hex;
        }
    }

    /** Names the frame's PDU from its first bytes, without deciphering anything. */
    static String describe(byte[] f) {
        if (f.length >= 9 && f[0] == 0 && f[1] == 1) return apdu(f[8] & 0xFF); // wrapper: 8-byte header
        if (f.length >= 5 && (f[0] & 0xFF) == 0x7E) {
            for (int k = 3; k + 3 < f.length && k < 16; k++) { // HDLC: find the LLC header of an I-frame
                if ((f[k] & 0xFF) == 0xE6 && ((f[k + 1] & 0xFF) == 0xE6 || (f[k + 1] & 0xFF) == 0xE7) && f[k + 2] == 0) {
                    return k + 3 < f.length ? apdu(f[k + 3] & 0xFF) : "I";
                }
            }
            for (int k = 3; k < Math.min(f.length, 10); k++) { // no LLC: an HDLC control frame
                switch (f[k] & 0xFF) {
                    case 0x93: return "HDLC SNRM";
                    case 0x73: return "HDLC UA";
                    case 0x53: return "HDLC DISC";
                    case 0x1F: return "HDLC DM";
                    default: break;
                }
            }
            return "HDLC";
        }
        return "?";
    }

    private static String apdu(int tag) {
        return switch (tag) {
            case 0x60 -> "AARQ";
            case 0x61 -> "AARE";
            case 0x62 -> "RLRQ";
            case 0x63 -> "RLRE";
            case 0xC0 -> "get-request";
            case 0xC4 -> "get-response";
            case 0xC1 -> "set-request";
            case 0xC5 -> "set-response";
            case 0xC3 -> "action-request";
            case 0xC7 -> "action-response";
            case 0xC8 -> "glo-get-request";
            case 0xCC -> "glo-get-response";
            case 0xC9 -> "glo-set-request";
            case 0xCD -> "glo-set-response";
            case 0xCB -> "glo-action-request";
            case 0xCF -> "glo-action-response";
            case 0xDB -> "general-glo-ciphering";
            case 0x0F -> "data-notification";
            case 0xD8 -> "exception-response";
            case 0x0E -> "confirmed-service-error";
            default -> String.format("tag %02X", tag);
        };
    }

    private final InstantSource clock;
    private final List<Entry> entries = new ArrayList<>();
    private final int maxEntries;

    public WireTrace(InstantSource clock, int maxEntries) {
        this.clock = clock;
        this.maxEntries = maxEntries;
    }

    synchronized void add(String direction, String step, byte[] frame) {
        if (entries.size() >= maxEntries) return;
        int[] secret = direction.equals("TX") ? callingAuthentication(frame) : null;
        entries.add(new Entry(clock.instant(), direction, step, describe(frame), hex(frame, secret)));
    }

    private static String hex(byte[] frame, int[] masked) {
        StringBuilder sb = new StringBuilder(frame.length * 3);
        HexFormat hex = HexFormat.of().withUpperCase();
        for (int i = 0; i < frame.length; i++) {
            if (i > 0) sb.append(' ');
            if (masked != null && i >= masked[0] && i < masked[1]) sb.append("**");
            else hex.toHexDigits(sb, frame[i]);
        }
        return sb.toString();
    }

    /**
     * Where the calling-authentication-value (tag AC) of an AARQ is: it carries the LLS password or the
     * HLS challenge. {@code {from, to}} of its content in the frame, or null when the frame carries no
     * AARQ. The AARQ is found through the framing and walked element by element, so that an AC byte
     * elsewhere (in a header check sequence, in ciphertext) is left alone.
     */
    static int[] callingAuthentication(byte[] f) {
        int p = apduStart(f);
        if (p < 0 || p + 2 > f.length || (f[p] & 0xFF) != 0x60) return null;
        int[] len = berLength(f, p + 1);
        if (len == null) return null;
        int end = Math.min(f.length, len[0] + len[1]);
        for (p = len[0]; p + 1 < end; ) {
            int tag = f[p] & 0xFF;
            int[] el = berLength(f, p + 1);
            if (el == null) return null;
            int contentEnd = Math.min(end, el[0] + el[1]);
            if (tag == 0xAC) return new int[] {el[0], contentEnd};
            p = contentEnd;
        }
        return null;
    }

    /** {start of content, content length} of a BER length at {@code p}, or null. */
    private static int[] berLength(byte[] f, int p) {
        if (p >= f.length) return null;
        int first = f[p] & 0xFF;
        if (first < 0x80) return new int[] {p + 1, first};
        if (first == 0x81 && p + 1 < f.length) return new int[] {p + 2, f[p + 1] & 0xFF};
        if (first == 0x82 && p + 2 < f.length) return new int[] {p + 3, (f[p + 1] & 0xFF) << 8 | (f[p + 2] & 0xFF)};
        return null;
    }

    /** Where the APDU starts: after the wrapper header, or after an HDLC I-frame's header and LLC; -1 if neither. */
    private static int apduStart(byte[] f) {
        if (f.length >= 9 && f[0] == 0 && f[1] == 1) return 8;
        if (f.length < 5 || (f[0] & 0xFF) != 0x7E) return -1;
        int p = 3;
        for (int address = 0; address < 2; address++) {
            int n = 0;
            while (p < f.length && (f[p++] & 0x01) == 0) {
                if (++n >= 4) return -1;
            }
        }
        if (p >= f.length || (f[p] & 0x01) != 0) return -1; // not an I-frame
        p += 1 + 2; // control, header check sequence
        if (p + 3 > f.length || (f[p] & 0xFF) != 0xE6 || (f[p + 1] & 0xFF) != 0xE6 || f[p + 2] != 0) return -1;
        return p + 3;
    }

    public synchronized List<Entry> entries() {
        return List.copyOf(entries);
    }
}
