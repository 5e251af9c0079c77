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
    /** One frame. */
    public record Entry(Instant at, String direction, String step, String hex) {
        @Override
        public String toString() {
            return at + " " + direction + " " + step + " " + hex;
        }
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
        entries.add(new Entry(clock.instant(), direction, step, hex));
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
