package org.openhes.headend.api.console;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A decoded frame (as {@code TraceJson} gives it) as a few lines a field engineer reads: the security
 * envelope and its counter, the association's fields, each attribute or method named, each value and
 * result with its type, a refusal or a decoding problem; the link layer only when it is HDLC's.
 */
public final class TraceRows {
    /** One frame: when (local time), direction, step, PDU, its lines, its masked hex. */
    public record Row(String at, String direction, String step, String pdu, List<String> lines, String hex) {
    }

    private final DateTimeFormatter time;

    TraceRows(ZoneId zone) {
        this.time = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(zone);
    }

    Row row(Map<String, Object> f) {
        List<String> lines = new ArrayList<>();
        if (f.get("link") instanceof Map<?, ?> link && link.get("frame") != null) {
            lines.add("HDLC " + link.get("frame") + (link.get("segment") != null ? " segment " + link.get("segment") : ""));
        }
        if (f.get("ciphering") instanceof Map<?, ?> c) {
            lines.add(join(c.get("envelope"), c.get("security"), c.get("invocationCounter") == null ? null : "IC " + c.get("invocationCounter")));
        }
        if (f.get("association") instanceof Map<?, ?> a) {
            List<String> parts = new ArrayList<>();
            for (String k : List.of("mechanism", "result", "diagnostic", "reason", "callingApTitle", "respondingApTitle", "authenticationValue")) {
                if (a.get(k) != null) parts.add(k + " " + a.get(k));
            }
            if (a.get("initiate") instanceof Map<?, ?> i && i.get("maxReceivePduSize") != null) parts.add("max PDU " + i.get("maxReceivePduSize"));
            lines.add(String.join(" · ", parts));
        }
        if (f.get("descriptors") instanceof List<?> ds) for (Object d : ds) if (d instanceof Map<?, ?> m) lines.add(descriptor(m));
        if (f.get("values") instanceof List<?> vs) for (Object v : vs) lines.add("value " + value(v));
        if (f.get("results") instanceof List<?> rs) {
            for (Object r : rs) {
                if (r instanceof Map<?, ?> m) lines.add(m.get("outcome") + (m.get("data") != null ? ": " + value(m.get("data")) : ""));
            }
        }
        if (f.get("block") instanceof Map<?, ?> b) lines.add("block " + b.get("number") + (Boolean.TRUE.equals(b.get("last")) ? " (last)" : ""));
        if (f.get("refusal") instanceof Map<?, ?> r) lines.add("refused: " + flat(r));
        if (f.get("problem") != null) lines.add("decoding problem: " + f.get("problem"));
        return new Row(at(f.get("at")), str(f.get("direction")), str(f.get("step")), str(f.get("pdu")), lines, str(f.get("hex")));
    }

    private static String descriptor(Map<?, ?> d) {
        String what = "method".equals(d.get("kind")) ? "method " + d.get("id") : "attribute " + d.get("id");
        return join(d.get("className") == null ? "class " + d.get("classId") : d.get("className"), d.get("obis"), what)
                + (d.get("selection") != null ? " selecting " + flat(d.get("selection")) : "");
    }

    private static String value(Object v) {
        if (v instanceof Map<?, ?> m && m.containsKey("type")) {
            Object inner = m.get("value");
            if (inner == null && m.get("elements") != null) inner = m.get("elements");
            return m.get("type") + " " + (inner instanceof Map<?, ?> || inner instanceof List<?> ? flat(inner) : str(inner))
                    + (m.get("meaning") != null ? " (" + m.get("meaning") + ")" : "");
        }
        return flat(v);
    }

    /** A nested structure in one line, without quotes. */
    private static String flat(Object o) {
        if (o instanceof Map<?, ?> m) {
            List<String> parts = new ArrayList<>();
            m.forEach((k, v) -> parts.add(k + " " + flat(v)));
            return "{" + String.join(", ", parts) + "}";
        }
        if (o instanceof List<?> l) {
            List<String> parts = new ArrayList<>();
            for (Object x : l) parts.add(x instanceof Map<?, ?> m && m.containsKey("type") ? value(m) : flat(x));
            return "[" + String.join(", ", parts) + "]";
        }
        return str(o);
    }

    private static String join(Object... parts) {
        List<String> out = new ArrayList<>();
        for (Object p : parts) if (p != null) out.add(p.toString());
        return String.join(" · ", out);
    }

    private String at(Object iso) {
        try {
            return iso == null ? "" : time.format(Instant.parse(iso.toString()));
        } catch (RuntimeException unparsable) {
            return str(iso);
        }
    }

    private static String str(Object o) {
        return o == null ? "" : o.toString();
    }
}
