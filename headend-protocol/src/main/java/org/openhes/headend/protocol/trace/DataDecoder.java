package org.openhes.headend.protocol.trace;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Decodes A-XDR {@code Data} (IEC 62056-6-2) into {@link DataValue} trees, in the bounded style of the
 * reply guard's walker: no nesting deeper than {@value #MAX_DEPTH}, no count beyond the bytes left, and
 * at most a budget of elements kept per frame (the rest are read past and counted), so that a hostile
 * meter's trace costs time and memory in proportion to its bytes. Strings are shown up to
 * {@value #MAX_SHOWN_BYTES} bytes.
 */
final class DataDecoder {
    static final int MAX_DEPTH = 32;
    static final int MAX_SHOWN_BYTES = 128;
    static final int MAX_SHOWN_BITS = 256;
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private int budget;

    /** @param budget elements kept in all the values this decoder reads (one decoder per frame) */
    DataDecoder(int budget) {
        this.budget = budget;
    }

    DataValue read(Reader r) {
        return read(r, 0, true);
    }

    /** Reads past one element and keeps nothing of it. */
    void skip(Reader r) {
        read(r, 0, false);
    }

    private DataValue read(Reader r, int depth, boolean keep) {
        if (depth > MAX_DEPTH) throw new Undecodable(r.pos(), "data nested deeper than " + MAX_DEPTH + " levels");
        int at = r.pos();
        int tag = r.u8("a data type");
        if (keep) {
            if (budget <= 0) keep = false;
            else budget--;
        }
        return switch (tag) {
            case 1, 2 -> container(r, tag, depth, keep);
            case 19 -> compactArray(r, at, keep);
            default -> {
                if (DlmsNames.dataType(tag) == null) throw new Undecodable(at, "unknown data type " + tag);
                yield simple(r, tag, keep);
            }
        };
    }

    private DataValue container(Reader r, int tag, int depth, boolean keep) {
        int n = r.count(tag == 1 ? "an array's element count" : "a structure's element count");
        List<DataValue> elements = keep ? new ArrayList<>(Math.min(n, 64)) : null;
        long hidden = 0;
        for (int i = 0; i < n; i++) {
            DataValue v = read(r, depth + 1, keep);
            if (!keep) continue;
            if (v == null) hidden++;
            else elements.add(v);
        }
        if (!keep) return null;
        if (hidden > 0) elements.add(DataValue.notShown(hidden, "past the elements shown per frame"));
        return DataValue.container(DlmsNames.dataType(tag), elements);
    }

    /** A value of a simple type whose tag has been read (also the untagged cells of a compact array). */
    private DataValue simple(Reader r, int tag, boolean keep) {
        String type = DlmsNames.dataType(tag);
        switch (tag) {
            case 0, 255:
                return keep ? DataValue.of(type, null) : null;
            case 3:
                return keep ? DataValue.of(type, r.u8("a boolean") != 0) : skipped(r, 0);
            case 4:
                return bits(r, keep);
            case 9:
                return octets(r, keep);
            case 10, 12:
                return text(r, tag, keep);
            case 13:
                return keep ? DataValue.of(type, String.format("%02X", r.u8("a bcd"))) : skipped(r, 1);
            case 15:
                return keep ? DataValue.of(type, (long) r.i8("an integer")) : skipped(r, 1);
            case 16:
                return keep ? DataValue.of(type, (long) (short) r.u16("a long")) : skipped(r, 2);
            case 17, 22:
                return keep ? DataValue.of(type, (long) r.u8("an unsigned")) : skipped(r, 1);
            case 18:
                return keep ? DataValue.of(type, (long) r.u16("a long-unsigned")) : skipped(r, 2);
            case 5:
                return keep ? DataValue.of(type, (long) (int) r.u32("a double-long")) : skipped(r, 4);
            case 6:
                return keep ? DataValue.of(type, r.u32("a double-long-unsigned")) : skipped(r, 4);
            case 20:
                return keep ? DataValue.of(type, r.u64("a long64")) : skipped(r, 8);
            case 21: {
                if (!keep) return skipped(r, 8);
                long v = r.u64("a long64-unsigned");
                return DataValue.of(type, v >= 0 ? (Object) v : new BigInteger(Long.toUnsignedString(v)));
            }
            case 23:
                return keep ? DataValue.of(type, finite(Float.intBitsToFloat((int) r.u32("a float32")))) : skipped(r, 4);
            case 24:
                return keep ? DataValue.of(type, finite(Double.longBitsToDouble(r.u64("a float64")))) : skipped(r, 8);
            case 25:
                return fixedDate(r, type, 12, keep);
            case 26:
                return fixedDate(r, type, 5, keep);
            case 27:
                return fixedDate(r, type, 4, keep);
            default:
                throw new Undecodable(r.pos(), "unknown data type " + tag);
        }
    }

    private static DataValue skipped(Reader r, int n) {
        r.skip(n, "a value");
        return null;
    }

    /** Infinities and NaN as text: JSON has no number for them. */
    private static Object finite(double d) {
        return Double.isFinite(d) ? (Object) d : String.valueOf(d);
    }

    private static DataValue fixedDate(Reader r, String type, int n, boolean keep) {
        int p = r.pos();
        r.skip(n, "a " + type);
        if (!keep) return null;
        byte[] b = r.buffer();
        String meaning = n == 12 ? DateTimes.dateTime(b, p) : n == 5 ? DateTimes.date(b, p) : DateTimes.time(b, p);
        return new DataValue(type, HEX.formatHex(b, p, p + n), meaning, List.of());
    }

    private static DataValue octets(Reader r, boolean keep) {
        long n = r.length("an octet string's length");
        int p = r.pos();
        r.skip(n, "an octet string");
        if (!keep) return null;
        byte[] b = r.buffer();
        String meaning = null;
        if (n == 12) meaning = DateTimes.dateTime(b, p);
        else if (n > 0 && printable(b, p, (int) n)) meaning = '"' + new String(b, p, (int) Math.min(n, MAX_SHOWN_BYTES), StandardCharsets.US_ASCII) + (n > MAX_SHOWN_BYTES ? "…" : "") + '"';
        return new DataValue("octet-string", hex(b, p, n), meaning, List.of());
    }

    private static DataValue text(Reader r, int tag, boolean keep) {
        long n = r.length("a string's length");
        int p = r.pos();
        r.skip(n, "a string");
        if (!keep) return null;
        int shown = (int) Math.min(n, MAX_SHOWN_BYTES);
        String s = new String(r.buffer(), p, shown, tag == 10 ? StandardCharsets.US_ASCII : StandardCharsets.UTF_8);
        s = s.replaceAll("\\p{Cntrl}", "·");
        return DataValue.of(DlmsNames.dataType(tag), n > shown ? s + "…(" + n + " bytes)" : s);
    }

    private static DataValue bits(Reader r, boolean keep) {
        long bits = r.length("a bit string's length");
        int p = r.pos();
        r.skip((bits + 7) / 8, "a bit string");
        if (!keep) return null;
        StringBuilder sb = new StringBuilder();
        long shown = Math.min(bits, MAX_SHOWN_BITS);
        for (int i = 0; i < shown; i++) sb.append((r.buffer()[p + i / 8] >> (7 - i % 8) & 1) == 1 ? '1' : '0');
        if (bits > shown) sb.append("…(").append(bits).append(" bits)");
        return DataValue.of("bit-string", sb.toString());
    }

    static String hex(byte[] b, int p, long n) {
        if (n <= MAX_SHOWN_BYTES) return HEX.formatHex(b, p, p + (int) n);
        return HEX.formatHex(b, p, p + MAX_SHOWN_BYTES) + "…(" + n + " bytes)";
    }

    private static boolean printable(byte[] b, int p, int n) {
        for (int i = p; i < p + n; i++) if (b[i] < 0x20 || b[i] > 0x7E) return false;
        return true;
    }

    /**
     * compact-array: a type description (a simple type, or a structure of simple types, as the Gurux codec
     * reads them), then the rows, untagged, in an octet string. Rows of zero bytes are refused: they would
     * never use the contents up.
     */
    private DataValue compactArray(Reader r, int at, boolean keep) {
        int type = r.u8("a compact array's type");
        int[] columns;
        if (type == 2) {
            int n = r.count("a compact array's column count");
            if (n == 0) throw new Undecodable(at, "compact array whose rows are zero bytes wide");
            columns = new int[n];
            for (int i = 0; i < n; i++) columns[i] = column(r.u8("a column type"), at);
        } else {
            columns = new int[] {column(type, at)};
        }
        boolean width = false;
        for (int c : columns) width |= c != 0 && c != 255;
        if (!width) throw new Undecodable(at, "compact array whose rows are zero bytes wide");
        Reader contents = r.slice(r.length("a compact array's contents length"), "compact array contents");
        List<DataValue> rows = keep ? new ArrayList<>() : null;
        long hidden = 0;
        while (contents.more()) {
            boolean keepRow = keep && budget > 0;
            if (keepRow) budget--;
            List<DataValue> cells = keepRow ? new ArrayList<>(columns.length) : null;
            for (int c : columns) {
                DataValue v = simple(contents, c, keepRow);
                if (keepRow) cells.add(v);
            }
            if (!keep) continue;
            if (!keepRow) hidden++;
            else rows.add(type == 2 ? DataValue.container("structure", cells) : cells.get(0));
        }
        if (!keep) return null;
        if (hidden > 0) rows.add(DataValue.notShown(hidden, "past the elements shown per frame"));
        return DataValue.container("compact-array", rows);
    }

    private static int column(int type, int at) {
        if (type == 1 || type == 2) throw new Undecodable(at, "compact array with nested descriptions (not decoded)");
        if (type == 19 || DlmsNames.dataType(type) == null) throw new Undecodable(at, "compact array of type " + type);
        return type;
    }
}
