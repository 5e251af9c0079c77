package org.openhes.headend.protocol.session;

import java.util.List;

/**
 * What a meter agreed to in its AARE.
 *
 * @param conformance      the negotiated conformance bits, by name (e.g. {@code multiple-references})
 * @param maxPduSize       the meter's max receive PDU size in bytes
 * @param meterSystemTitle the meter's system title in hex, or null without ciphering
 */
public record Negotiated(List<String> conformance, int maxPduSize, String meterSystemTitle) {
    public Negotiated {
        conformance = List.copyOf(conformance);
    }
}
