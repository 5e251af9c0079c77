package org.openhes.headend.protocol.transport;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A readable record of one session's frames for field engineers: direction, time, step and hex.
 * Frames are ciphered under HLS, so the trace holds no key material and no plaintext secrets
 * (the LLS password of an AARQ is masked).
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
        String hex = HexFormat.ofDelimiter(" ").withUpperCase().formatHex(frame);
        if (step.startsWith("associate") && direction.equals("TX") && hex.contains(" AC ")) {
            hex = maskCallingAuthentication(hex);
        }
        entries.add(new Entry(clock.instant(), direction, step, describe(frame), hex));
    }

    /** Hides the calling-authentication-value (tag AC) of an AARQ: it carries the LLS password. */
    static String maskCallingAuthentication(String hex) {
        int at = hex.indexOf(" AC ");
        String[] rest = hex.substring(at + 4).split(" ");
        if (rest.length < 3) return hex;
        int len = Integer.parseInt(rest[0], 16);
        StringBuilder sb = new StringBuilder(hex.substring(0, at + 4)).append(rest[0]);
        for (int k = 1; k < rest.length; k++) sb.append(' ').append(k <= len ? "**" : rest[k]);
        return sb.toString();
    }

    public synchronized List<Entry> entries() {
        return List.copyOf(entries);
    }
}
