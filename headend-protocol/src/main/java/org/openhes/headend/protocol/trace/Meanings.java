package org.openhes.headend.protocol.trace;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Readings of decoded data that depend on which attribute it belongs to: a register's scaler and unit, a
 * profile's capture objects, an association's object list, and the selective access of a profile read.
 */
final class Meanings {
    private Meanings() {
    }

    /** {@code v} with the meaning its attribute gives it, where one is known. */
    static DataValue annotate(DecodedFrame.Descriptor d, DataValue v) {
        if (d == null || v == null || !d.kind().equals("attribute")) return v;
        int c = d.classId(), a = d.id();
        if ((c == 3 || c == 4) && a == 3 || c == 5 && a == 4) return scalerUnit(v);
        if (c == 7 && a == 3 || c == 15 && a == 2) {
            if (!v.type().equals("array")) return v;
            List<DataValue> out = new ArrayList<>(v.elements().size());
            for (DataValue e : v.elements()) {
                String m = c == 7 ? captureObject(e) : objectListEntry(e);
                out.add(m == null ? e : e.withMeaning(m));
            }
            return new DataValue(v.type(), v.value(), v.meaning(), out);
        }
        return v;
    }

    private static DataValue scalerUnit(DataValue v) {
        if (!isStructure(v, 2) || !(v.elements().get(0).value() instanceof Long s) || !(v.elements().get(1).value() instanceof Long u)) {
            return v;
        }
        String unit = DlmsNames.unit(u.intValue());
        return v.withMeaning(s == 0 ? "scaler 0, unit " + unit : "scaler " + s + " (×10^" + s + "), unit " + unit);
    }

    /** {@code class/obis/attribute} of a capture object definition {class, logical name, attribute, data index}. */
    static String captureObject(DataValue e) {
        if (!isStructure(e, 4)) return null;
        List<DataValue> f = e.elements();
        String obis = obis(f.get(1));
        if (!(f.get(0).value() instanceof Long c) || obis == null || !(f.get(2).value() instanceof Long a)
                || !(f.get(3).value() instanceof Long index)) {
            return null;
        }
        return c + "/" + obis + "/" + a + (index == 0 ? "" : " [" + index + "]");
    }

    /** An object list entry {class, version, logical name, access rights}. */
    private static String objectListEntry(DataValue e) {
        if (e == null || !e.type().equals("structure") || e.elements().size() < 3) return null;
        List<DataValue> f = e.elements();
        String obis = obis(f.get(2));
        if (!(f.get(0).value() instanceof Long c) || !(f.get(1).value() instanceof Long version) || obis == null) return null;
        String name = DlmsNames.className(c.intValue());
        return c + "/" + obis + (name == null ? "" : " " + name) + " v" + version;
    }

    /** Selective access of a profile's buffer read (range or entry), or the selector and its parameter as data. */
    static DecodedFrame.Selection selection(DecodedFrame.Descriptor d, int selector, DataValue p) {
        if (d.classId() == 7 && d.id() == 2 && isStructure(p, 4)) {
            List<DataValue> f = p.elements();
            if (selector == 1) {
                String column = captureObject(f.get(0));
                if (column != null && f.get(3).type().equals("array")) {
                    return new DecodedFrame.Selection(1, "range", column, f.get(1), f.get(2), columns(f.get(3)), null);
                }
            } else if (selector == 2 && f.get(2).value() instanceof Long fromColumn && f.get(3).value() instanceof Long toColumn) {
                DataValue to = Long.valueOf(0).equals(f.get(1).value()) ? f.get(1).withMeaning("the last entry") : f.get(1);
                String columns = fromColumn <= 1 && toColumn == 0 ? "all" : fromColumn + ".." + (toColumn == 0 ? "last" : toColumn);
                return new DecodedFrame.Selection(2, "entry", null, f.get(0), to, columns, null);
            }
        }
        return new DecodedFrame.Selection(selector, "selector " + selector, null, null, null, null, p);
    }

    private static String columns(DataValue array) {
        if (array.elements().isEmpty()) return "all";
        List<String> out = new ArrayList<>();
        for (DataValue e : array.elements()) {
            String c = captureObject(e);
            out.add(c == null ? "?" : c);
        }
        return String.join(", ", out);
    }

    private static String obis(DataValue v) {
        if (v == null || !v.type().equals("octet-string") || !(v.value() instanceof String hex) || hex.length() != 12) return null;
        return ServiceFields.obis(HexFormat.of().parseHex(hex), 0);
    }

    private static boolean isStructure(DataValue v, int n) {
        return v != null && v.type().equals("structure") && v.elements().size() == n;
    }
}
