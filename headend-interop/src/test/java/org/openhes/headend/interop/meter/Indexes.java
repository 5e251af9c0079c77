package org.openhes.headend.interop.meter;

/** The four energy indexes in Wh at one instant, as the registers and the daily profile give them. */
public record Indexes(long importDayWh, long importNightWh, long exportDayWh, long exportNightWh) {
}
