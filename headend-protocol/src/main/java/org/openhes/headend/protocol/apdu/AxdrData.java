package org.openhes.headend.protocol.apdu;

/**
 * A bounded walk over A-XDR encoded COSEM {@code Data} (IEC 62056-6-2), run on every reply before the
 * Gurux codec sees it. It allocates nothing and refuses what the codec would loop on or allocate
 * without bound:
 * <ul>
 *   <li>a compact array whose rows are zero bytes wide, or whose contents end in the middle of a row
 *       (Gurux 4.0.47 then adds rows until the heap is exhausted), of untyped or nested elements, or of
 *       more than {@value #MAX_COMPACT_COLUMNS} columns;</li>
 *   <li>an array, structure, string or bit string announcing more elements than bytes remain (the
 *       codec sizes lists by the announced count);</li>
 *   <li>nesting deeper than {@value #MAX_DEPTH} levels (the codec recurses), unknown types,
 *       truncated elements.</li>
 * </ul>
 * Everything the standard allows within those bounds passes.
 */
public final class AxdrData {
    public static final int MAX_DEPTH = 32;
    public static final int MAX_COMPACT_COLUMNS = 1024;

    static final int NULL_DATA = 0, ARRAY = 1, STRUCTURE = 2, BIT_STRING = 4, OCTET_STRING = 9, VISIBLE_STRING = 10,
            UTF8_STRING = 12, COMPACT_ARRAY = 19;

    private AxdrData() {
    }

    /** Checks one {@code Data} element starting at {@code pos}; returns the offset just past it. */
    public static int skip(byte[] b, int pos, int end) {
        return skip(b, pos, end, 0);
    }

    /** Checks that {@code b[pos, end)} starts with one complete {@code Data} element. */
    public static void check(byte[] b, int pos, int end) {
        skip(b, pos, end, 0);
    }

    private static int skip(byte[] b, int pos, int end, int depth) {
        if (depth > MAX_DEPTH) throw new MalformedApdu(pos, "data nested deeper than " + MAX_DEPTH + " levels");
        int tag = u8(b, pos, end, "a data type");
        int at = pos++;
        switch (tag) {
            case NULL_DATA:
                return pos;
            case ARRAY:
            case STRUCTURE: {
                long n = length(b, pos, end);
                pos = afterLength(b, pos);
                if (n > end - pos) {
                    throw new MalformedApdu(at, (tag == ARRAY ? "array" : "structure") + " of " + n
                            + " elements in " + (end - pos) + " bytes");
                }
                for (long i = 0; i < n; i++) pos = skip(b, pos, end, depth + 1);
                return pos;
            }
            case BIT_STRING: {
                long bits = length(b, pos, end);
                pos = afterLength(b, pos);
                return take(pos, (bits + 7) / 8, end, at, "bit string");
            }
            case OCTET_STRING:
            case VISIBLE_STRING:
            case UTF8_STRING: {
                long n = length(b, pos, end);
                pos = afterLength(b, pos);
                return take(pos, n, end, at, "string");
            }
            case COMPACT_ARRAY:
                return compactArray(b, pos, end, at);
            default: {
                int width = fixedWidth(tag);
                if (width < 0) throw new MalformedApdu(at, "unknown data type " + tag);
                return take(pos, width, end, at, "value of type " + tag);
            }
        }
    }

    /** Bytes of a fixed-size simple type, -1 when the type is not one. */
    static int fixedWidth(int tag) {
        return switch (tag) {
            case 3, 13, 15, 17, 22 -> 1; // boolean, bcd, integer, unsigned, enum
            case 16, 18 -> 2; // long, long-unsigned
            case 5, 6, 23, 27 -> 4; // double-long(-unsigned), float32, time
            case 26 -> 5; // date
            case 20, 21, 24 -> 8; // long64(-unsigned), float64
            case 25 -> 12; // date-time
            default -> -1;
        };
    }

    /**
     * compact-array: a type description (one simple type, or a structure of simple types: the codec
     * reads nothing deeper), then the contents as an octet string of untagged rows. The codec walks
     * rows until the announced length is consumed and keeps adding a row when a column comes up short,
     * so the contents must be whole rows, each at least one byte.
     */
    private static int compactArray(byte[] b, int pos, int end, int at) {
        int type = u8(b, pos, end, "a compact array's type");
        int[] columns;
        if (type == STRUCTURE) {
            long n = length(b, pos + 1, end); // the codec reads the column count as a length
            pos = afterLength(b, pos + 1);
            if (n == 0) throw new MalformedApdu(at, "compact array whose rows are zero bytes wide");
            if (n > MAX_COMPACT_COLUMNS) throw new MalformedApdu(at, "compact array with more than " + MAX_COMPACT_COLUMNS + " columns");
            columns = new int[(int) n];
            for (int i = 0; i < n; i++) columns[i] = column(u8(b, pos++, end, "a column type"), at);
        } else {
            columns = new int[] {column(type, at)};
            pos++;
        }
        long contents = length(b, pos, end);
        pos = afterLength(b, pos);
        int contentsEnd = take(pos, contents, end, at, "compact array contents");
        while (pos < contentsEnd) {
            for (int width : columns) {
                if (width > 0) {
                    if (width > contentsEnd - pos) throw new MalformedApdu(at, "compact array contents end in the middle of a row");
                    pos += width;
                } else {
                    long n = length(b, pos, contentsEnd);
                    pos = afterLength(b, pos);
                    if (width == BITS) n = (n + 7) / 8;
                    if (n > contentsEnd - pos) throw new MalformedApdu(at, "compact array contents end in the middle of a row");
                    pos += (int) n;
                }
            }
        }
        return contentsEnd;
    }

    private static final int BYTES = -1, BITS = -2;

    /** A column's width in bytes; {@link #BYTES} or {@link #BITS} when a length comes first. */
    private static int column(int type, int at) {
        return switch (type) {
            case OCTET_STRING, VISIBLE_STRING, UTF8_STRING -> BYTES;
            case BIT_STRING -> BITS;
            case ARRAY, STRUCTURE -> throw new MalformedApdu(at, "compact array with nested descriptions (not read by the codec)");
            default -> {
                int width = fixedWidth(type);
                if (width < 0) throw new MalformedApdu(at, "compact array of type " + type + " (not a simple type)");
                yield width;
            }
        };
    }

    /** An A-XDR length (or element count) at {@code pos}, as the codec reads it (0x81..0x84 prefixes). */
    static long length(byte[] b, int pos, int end) {
        int first = u8(b, pos, end, "a length");
        if (first <= 0x80) return first;
        int bytes = first - 0x80;
        if (bytes > 4) throw new MalformedApdu(pos, "length of " + bytes + " bytes");
        long n = 0;
        for (int i = 1; i <= bytes; i++) n = n << 8 | u8(b, pos + i, end, "a length");
        return n;
    }

    static int afterLength(byte[] b, int pos) {
        int first = b[pos] & 0xFF;
        return first <= 0x80 ? pos + 1 : pos + 1 + (first - 0x80);
    }

    private static int take(int pos, long n, int end, int at, String what) {
        if (n > end - pos) throw new MalformedApdu(at, what + " of " + n + " bytes where " + (end - pos) + " remain");
        return pos + (int) n;
    }

    static int u8(byte[] b, int pos, int end, String what) {
        if (pos >= end) throw new MalformedApdu(pos, "truncated: " + what + " expected");
        return b[pos] & 0xFF;
    }
}
