package org.openhes.headend.protocol.model;

import java.util.List;
import java.util.Locale;

/**
 * Where a meter model keeps what the head-end needs. Every OBIS code the operations use comes from
 * here, so a different meter model is a different profile, not a code change.
 */
public record MeterProfile(String name, List<String> indexRegisters, String dailyProfile, String clock,
                           String disconnector, String limiter, String activePower, String message,
                           String gasIndex, String invocationCounter, String tariff, int messageMaxLength) {
    public MeterProfile {
        indexRegisters = List.copyOf(indexRegisters);
    }

    /** E-MUCS (Belgian DSOs' companion specification), as in the project's DLMS notes. */
    public static MeterProfile emucs() {
        return new MeterProfile("emucs",
                List.of("1-0:1.8.1.255", "1-0:1.8.2.255", "1-0:2.8.1.255", "1-0:2.8.2.255"),
                "1-0:99.2.0.255", "0-0:1.0.0.255", "0-0:96.3.10.255", "0-0:17.0.0.255", "1-0:1.7.0.255",
                "0-0:96.13.1.255", "0-1:24.2.1.255", "0-0:43.1.0.255", "0-0:96.14.0.255", 64);
    }

    public static MeterProfile named(String name) {
        return switch (name == null ? "emucs" : name.trim().toLowerCase(Locale.ROOT)) {
            case "emucs", "" -> emucs();
            default -> throw new IllegalArgumentException("unknown meter profile " + name + " (known: emucs)");
        };
    }
}
