package org.openhes.headend.protocol.trace;

import java.util.List;

/**
 * One A-XDR {@code Data} element of a decoded frame, as a value tree.
 *
 * @param type     the DLMS type name ({@code double-long-unsigned}, {@code structure}, ...); {@code not-shown}
 *                 marks elements left out past the decoder's bounds
 * @param value    a simple type's value: Long, BigInteger, Double, Boolean, or String (octet strings in hex,
 *                 bit strings as 0/1 digits, secrets as {@code ***(n bytes)}); null for containers
 * @param meaning  a reading of the value when one is known (a date-time, an OBIS code, a scaler and unit), or null
 * @param elements the elements of an array, structure or compact array; empty otherwise
 */
public record DataValue(String type, Object value, String meaning, List<DataValue> elements) {
    public DataValue {
        elements = elements == null ? List.of() : List.copyOf(elements);
    }

    static DataValue of(String type, Object value) {
        return new DataValue(type, value, null, List.of());
    }

    static DataValue container(String type, List<DataValue> elements) {
        return new DataValue(type, null, null, elements);
    }

    /** A value that must not be shown: its type and size only. */
    static DataValue secret(String type, long bytes) {
        return new DataValue(type, masked(bytes), null, List.of());
    }

    static DataValue notShown(long elements, String why) {
        return new DataValue("not-shown", elements + " more element" + (elements == 1 ? "" : "s") + " (" + why + ")", null, List.of());
    }

    DataValue withMeaning(String m) {
        return new DataValue(type, value, m, elements);
    }

    boolean isContainer() {
        return value == null && !type.equals("null-data") && !type.equals("dont-care");
    }

    /** How a secret is shown everywhere: stars and its length, never its bytes. */
    static String masked(long bytes) {
        return "***(" + bytes + " bytes)";
    }
}
