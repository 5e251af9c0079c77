package org.openhes.headend.protocol.model;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * One register value after the scaler is applied, e.g. {@code 1-0:1.8.1.255 = 1234567 Wh}.
 *
 * @param obis  OBIS code in the {@code A-B:C.D.E.F} notation
 * @param value value × 10^scaler
 * @param unit  DLMS unit symbol ({@code Wh}, {@code W}, {@code m3}), empty when the meter gives none
 */
public record Register(String obis, BigDecimal value, String unit) {
    public Register {
        Objects.requireNonNull(obis, "obis");
        Objects.requireNonNull(value, "value");
        unit = unit == null ? "" : unit;
    }

    /** Applies a DLMS scaler (a power of ten) to a raw integer value. */
    public static Register scaled(String obis, long raw, int scaler, String unit) {
        BigDecimal value = scaler >= 0
                ? BigDecimal.valueOf(raw).multiply(BigDecimal.TEN.pow(scaler))
                : BigDecimal.valueOf(raw, -scaler); // e.g. 12345 litres with scaler -3 = 12.345 m3
        return new Register(obis, value, unit);
    }

    /** Applies a DLMS scaler to a raw value of any integer or decimal type (long64 registers exceed a long). */
    public static Register scaled(String obis, BigDecimal raw, int scaler, String unit) {
        BigDecimal value = raw.scaleByPowerOfTen(scaler);
        if (value.scale() < 0) value = value.setScale(0);
        return new Register(obis, value, unit);
    }

    @Override
    public String toString() {
        return obis + " = " + value.toPlainString() + (unit.isEmpty() ? "" : " " + unit);
    }
}
