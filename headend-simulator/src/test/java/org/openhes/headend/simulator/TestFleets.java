package org.openhes.headend.simulator;

import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;

/** Small fleets on loopback (single-address mode, free ports) at a fixed time, and what their meters should show. */
final class TestFleets {
    static final Instant NOW = Instant.parse("2026-11-20T10:15:30Z");
    static final ZoneId BRUSSELS = ZoneId.of("Europe/Brussels");

    private TestFleets() {
    }

    static SimulatorConfig.Builder config(String variants) {
        return SimulatorConfig.builder().meters(2).port(0).singleAddress(true).manualReconnectShare(0)
                .clock(Clock.fixed(NOW, BRUSSELS)).zone(BRUSSELS).variants(variants);
    }

    static SimulatedFleet wrapper(String variants) throws InterruptedException {
        return SimulatedFleet.start(config(variants).build());
    }

    static SimulatedFleet hdlc(String variants) throws InterruptedException {
        return SimulatedFleet.start(config(variants).transport(SimTransport.HDLC).build());
    }

    /** Local midnight of profile entry {@code entry} (1 = the oldest of the 40 days kept). */
    static Instant midnightOfEntry(int entry) {
        LocalDate today = NOW.atZone(BRUSSELS).toLocalDate();
        return today.minusDays(DailyProfile.DAYS - entry).atStartOfDay(BRUSSELS).toInstant();
    }

    /** The top-level fields of an AARE (tag → content), walked independently of the simulator's own code. */
    static Map<Integer, byte[]> aareFields(byte[] apdu) {
        if ((apdu[0] & 0xFF) != 0x61 || (apdu[1] & 0xFF) != apdu.length - 2) throw new AssertionError("not a short-form AARE");
        Map<Integer, byte[]> fields = new LinkedHashMap<>();
        int pos = 2;
        while (pos < apdu.length) {
            int tag = apdu[pos] & 0xFF, len = apdu[pos + 1] & 0xFF;
            ByteArrayOutputStream content = new ByteArrayOutputStream();
            content.write(apdu, pos + 2, len);
            fields.put(tag, content.toByteArray());
            pos += 2 + len;
        }
        return fields;
    }
}
