package org.openhes.headend.protocol.model;

import java.util.Locale;

/** Association authentication mechanisms the head-end speaks. */
public enum Authentication {
    NONE, LOW, HLS_GMAC;

    /** Parses {@code none}, {@code low}, {@code hls-gmac} (as in import files and the CLI). */
    public static Authentication parse(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "none" -> NONE;
            case "low", "lls" -> LOW;
            case "hls-gmac", "hls5-gmac", "hls5", "high-gmac" -> HLS_GMAC;
            default -> throw new IllegalArgumentException("authentication must be none, low or hls-gmac (was " + s + ")");
        };
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
