package org.openhes.headend.protocol.model;

import java.time.Instant;
import java.util.List;

/**
 * Registers read at one moment: an on-demand read (meter clock time) or one daily-profile row
 * (capture time, usually local midnight).
 */
public record IndexReading(Instant capturedAt, List<Register> registers) {
    public IndexReading {
        registers = List.copyOf(registers);
    }
}
