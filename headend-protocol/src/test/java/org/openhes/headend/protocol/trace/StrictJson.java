package org.openhes.headend.protocol.trace;

import java.util.List;
import java.util.Map;

/**
 * A JSON writer that accepts only what a JSON library needs no configuration for (maps with string keys,
 * lists, strings, numbers, booleans, null): writing the decoder's output with it shows it is JSON-ready.
 */
final class StrictJson {
    private StrictJson() {
    }

    static String write(Object v) {
        StringBuilder sb = new StringBuilder();
        write(sb, v);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String s) {
            sb.append('"');
            for (char c : s.toCharArray()) {
                if (c == '"' || c == '\\') sb.append('\\').append(c);
                else if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                else sb.append(c);
            }
            sb.append('"');
        } else if (v instanceof Number || v instanceof Boolean) {
            if (v instanceof Double d && !Double.isFinite(d)) throw new AssertionError("not a JSON number: " + d);
            sb.append(v);
        } else if (v instanceof Map<?, ?> m) {
            sb.append('{');
            boolean first = true;
            for (var e : m.entrySet()) {
                if (!(e.getKey() instanceof String k)) throw new AssertionError("map key " + e.getKey() + " is not a string");
                if (!first) sb.append(',');
                first = false;
                write(sb, k);
                sb.append(':');
                write(sb, e.getValue());
            }
            sb.append('}');
        } else if (v instanceof List<?> l) {
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) sb.append(',');
                write(sb, l.get(i));
            }
            sb.append(']');
        } else {
            throw new AssertionError("not JSON-ready: " + v.getClass().getName());
        }
    }
}
