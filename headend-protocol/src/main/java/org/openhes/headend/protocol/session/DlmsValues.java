package org.openhes.headend.protocol.session;

import gurux.dlms.GXDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Notations and value conversions shared by the session layer and the push listener. */
public final class DlmsValues {
    private DlmsValues() {
    }

    /** {@code 1-0:1.8.1.255} → {@code 1.0.1.8.1.255} (Gurux's notation). */
    public static String ln(String obis) {
        return obis.replace('-', '.').replace(':', '.');
    }

    /** {@code 1.0.1.8.1.255} → {@code 1-0:1.8.1.255}. */
    public static String obisText(String ln) {
        String[] p = ln.split("\\.");
        if (p.length != 6) return ln;
        return p[0] + "-" + p[1] + ":" + p[2] + "." + p[3] + "." + p[4] + "." + p[5];
    }

    /** A value for printing: byte arrays in hex, lists recursively, date-times as instants, the rest as is. */
    public static Object printable(Object v) {
        if (v instanceof byte[] b) return HexFormat.of().withUpperCase().formatHex(b);
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object o : l) out.add(printable(o));
            return out;
        }
        if (v instanceof Object[] a) return printable(java.util.Arrays.asList(a));
        if (v instanceof GXDateTime t) return t.getMeterCalendar().toInstant().toString();
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, val) -> out.put(String.valueOf(k), printable(val)));
            return out;
        }
        if (v instanceof Enum<?> e) return e.name();
        return v;
    }
}
