package org.openhes.headend.protocol.trace;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decoded frames as JSON-ready structures: maps with string keys (in the records' field order), lists,
 * strings, numbers and booleans, nothing else, so that any JSON library serialises them without
 * configuration. Null fields and empty lists are left out; times are ISO-8601 strings.
 */
public final class TraceJson {
    private TraceJson() {
    }

    public static List<Map<String, Object>> toMaps(List<DecodedFrame> frames) {
        List<Map<String, Object>> out = new ArrayList<>(frames.size());
        for (DecodedFrame f : frames) out.add(toMap(f));
        return out;
    }

    public static Map<String, Object> toMap(DecodedFrame frame) {
        return record(frame);
    }

    private static Map<String, Object> record(Record r) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            Object v;
            try {
                v = c.getAccessor().invoke(r);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read " + c.getName() + " of " + r.getClass().getSimpleName(), e);
            }
            Object json = json(v);
            if (json == null || json instanceof List<?> l && l.isEmpty() || json instanceof Map<?, ?> m && m.isEmpty()) continue;
            out.put(c.getName(), json);
        }
        return out;
    }

    private static Object json(Object v) {
        if (v == null || v instanceof String || v instanceof Number || v instanceof Boolean) return v;
        if (v instanceof Instant t) return t.toString();
        if (v instanceof Record r) return record(r);
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object o : l) out.add(json(o));
            return out;
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, val) -> out.put(String.valueOf(k), json(val)));
            return out;
        }
        return String.valueOf(v);
    }
}
