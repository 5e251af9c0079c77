package org.openhes.headend.simulator;

import gurux.dlms.enums.DataType;

/**
 * How the four energy registers, and the daily profile's index columns, carry the consumption model's Wh:
 * the scaler (unit Wh, value × 10^scaler) and the A-XDR type.
 *
 * @param scaler -3..3 ({@code scaler=N}, 0 by default)
 * @param type   double-long-unsigned, or long64-unsigned ({@code long64})
 */
record EnergyEncoding(int scaler, DataType type) {
    private static final long[] POWERS = {1, 10, 100, 1000};

    static EnergyEncoding of(MeterVariants variants) {
        return new EnergyEncoding(variants.scaler(), variants.has(MeterVariant.Quirk.LONG64) ? DataType.UINT64 : DataType.UINT32);
    }

    /** The multiplier Gurux's register takes for the scaler (10^scaler). */
    double multiplier() {
        return Math.pow(10, scaler);
    }

    /** The register's raw value for {@code wh}: Wh / 10^scaler rounded down; a 32-bit register rolls over. */
    long raw(long wh) {
        long r = scaler >= 0 ? wh / POWERS[scaler] : wh * POWERS[-scaler];
        return type == DataType.UINT32 ? r & 0xFFFF_FFFFL : r;
    }
}
