package org.openhes.headend.protocol.session;

import gurux.dlms.enums.DataType;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * A value with the DLMS type it is sent in, parsed from text (for field engineers' SET and ACTION):
 * numbers in decimal, octet strings in hex, visible strings as text.
 */
public final class TypedValue {
    public static final List<String> TYPES = List.of("boolean", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
            "uint64", "enum", "octet-string", "visible-string");

    final DataType type;
    final Object value;

    private TypedValue(DataType type, Object value) {
        this.type = type;
        this.value = value;
    }

    /** Parses {@code text} as {@code type}; an {@link IllegalArgumentException} says what is wrong. */
    public static TypedValue parse(String type, String text) {
        String t = type == null ? "" : type.toLowerCase(Locale.ROOT);
        try {
            return switch (t) {
                case "boolean" -> new TypedValue(DataType.BOOLEAN, switch (text) {
                    case "true", "1" -> true;
                    case "false", "0" -> false;
                    default -> throw new IllegalArgumentException("true or false expected");
                });
                case "int8" -> new TypedValue(DataType.INT8, (int) Byte.parseByte(text));
                case "int16" -> new TypedValue(DataType.INT16, (int) Short.parseShort(text));
                case "int32" -> new TypedValue(DataType.INT32, Integer.parseInt(text));
                case "int64" -> new TypedValue(DataType.INT64, Long.parseLong(text));
                case "uint8" -> new TypedValue(DataType.UINT8, unsigned(text, 0xFF));
                case "uint16" -> new TypedValue(DataType.UINT16, unsigned(text, 0xFFFF));
                case "uint32" -> new TypedValue(DataType.UINT32, (long) unsignedLong(text, 0xFFFF_FFFFL));
                case "uint64" -> new TypedValue(DataType.UINT64, Long.parseUnsignedLong(text));
                case "enum" -> new TypedValue(DataType.ENUM, unsigned(text, 0xFF));
                case "octet-string" -> new TypedValue(DataType.OCTET_STRING, HexFormat.of().parseHex(text.replace(" ", "")));
                case "visible-string" -> new TypedValue(DataType.OCTET_STRING, text.getBytes(StandardCharsets.US_ASCII));
                default -> throw new IllegalArgumentException("type " + type + " is not one of " + String.join(", ", TYPES));
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(text + " is not a " + t + " (" + e.getMessage() + ")");
        }
    }

    private static int unsigned(String text, int max) {
        return (int) unsignedLong(text, max);
    }

    private static long unsignedLong(String text, long max) {
        long v = Long.parseLong(text);
        if (v < 0 || v > max) throw new NumberFormatException("out of range 0.." + max);
        return v;
    }
}
