package org.openhes.headend.protocol.trace;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Decoded frames as text for a terminal: one heading line per frame (time UTC, direction, step, PDU,
 * envelope, link), then indented lines for what it carries. The hex follows a frame that could not be
 * fully decoded (or every frame, on request). Each frame's text stops at {@value #MAX_FRAME_CHARS} characters.
 */
public final class TraceText {
    public static final int MAX_FRAME_CHARS = 32_768;
    /** A container whose elements fit on one line of this many characters is written on one line. */
    private static final int ONE_LINE = 200;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    private TraceText() {
    }

    public static String format(List<DecodedFrame> frames) {
        return format(frames, false);
    }

    public static String format(List<DecodedFrame> frames, boolean withHex) {
        StringBuilder sb = new StringBuilder();
        for (DecodedFrame f : frames) sb.append(format(f, withHex));
        return sb.toString();
    }

    public static String format(DecodedFrame f, boolean withHex) {
        StringBuilder sb = new StringBuilder();
        sb.append(f.at() == null ? "--:--:--.---" : TIME.format(f.at())).append(' ').append(f.direction())
                .append(" [").append(f.step()).append("] ").append(f.pdu());
        if (f.invoke() != null) {
            sb.append(", invoke ").append(f.invoke().id()).append(' ').append(f.invoke().priority()).append(' ').append(f.invoke().serviceClass());
        }
        if (f.block() != null) {
            sb.append(", block ").append(f.block().number());
            if (Boolean.TRUE.equals(f.block().last())) sb.append(" (last)");
            if (f.block().bytes() != null) sb.append(", ").append(f.block().bytes()).append(" bytes");
        }
        if (f.ciphering() != null) sb.append(" — ").append(ciphering(f.ciphering()));
        if (f.link() != null) sb.append(" — ").append(link(f.link(), f.direction()));
        sb.append('\n');
        for (DecodedFrame.Descriptor d : f.descriptors()) line(sb, 1, descriptor(d));
        if (f.association() != null) association(sb, f.association());
        if (f.refusal() != null) line(sb, 1, refusal(f.refusal()));
        for (DataValue v : f.values()) value(sb, 1, "", v);
        boolean numbered = f.results().size() > 1;
        for (int i = 0; i < f.results().size(); i++) {
            DecodedFrame.Result r = f.results().get(i);
            String head = (numbered ? "[" + (i + 1) + "] " : "") + r.outcome() + (r.data() == null ? "" : ": ");
            if (r.data() == null) line(sb, 1, head);
            else value(sb, 1, head, r.data());
        }
        if (f.problem() != null) line(sb, 1, "! " + f.problem());
        if (withHex || f.problem() != null) line(sb, 1, "hex " + f.hex());
        if (sb.length() > MAX_FRAME_CHARS) {
            sb.setLength(MAX_FRAME_CHARS);
            sb.append("\n    … (this frame's text is cut at ").append(MAX_FRAME_CHARS).append(" characters)\n");
        }
        return sb.toString();
    }

    private static String ciphering(DecodedFrame.Ciphering c) {
        return c.envelope() + ": " + c.security() + ", suite " + c.suite() + ", ic " + c.invocationCounter()
                + (c.systemTitle() == null ? "" : ", system title " + c.systemTitle());
    }

    private static String link(DecodedFrame.Link l, String direction) {
        StringBuilder sb = new StringBuilder(l.layer());
        if (l.frame() != null) sb.append(' ').append(l.frame());
        if (l.sendSequence() != null) sb.append(" N(S)=").append(l.sendSequence());
        if (l.receiveSequence() != null) sb.append(" N(R)=").append(l.receiveSequence());
        if (Boolean.TRUE.equals(l.pollFinal())) sb.append("TX".equals(direction) ? " P" : " F");
        sb.append(' ').append(l.source()).append("→").append(l.destination());
        if (l.segment() != null) sb.append(", segment ").append(l.segment()).append(Boolean.TRUE.equals(l.lastSegment()) ? " (last)" : "");
        l.parameters().forEach((k, v) -> sb.append(", ").append(k).append(' ').append(v));
        return sb.toString();
    }

    private static String descriptor(DecodedFrame.Descriptor d) {
        String name = d.className() == null ? "" : " (" + d.className() + ")";
        String s = d.kind().equals("method") ? d.classId() + "/" + d.obis() + " method " + d.id() + name : d.reference() + name;
        DecodedFrame.Selection sel = d.selection();
        if (sel == null) return s;
        if (sel.kind().equals("range")) {
            return s + " by range on " + sel.restrictingObject() + " from " + shortly(sel.from()) + " to " + shortly(sel.to())
                    + ", columns " + sel.columns();
        }
        if (sel.kind().equals("entry")) {
            return s + " by entry from " + shortly(sel.from()) + " to " + shortly(sel.to()) + ", columns " + sel.columns();
        }
        return s + " with " + sel.kind() + ": " + oneLine(sel.parameter());
    }

    private static String shortly(DataValue v) {
        if (v == null) return "?";
        return v.meaning() != null ? v.meaning() : v.isContainer() ? oneLine(v) : String.valueOf(v.value());
    }

    private static void association(StringBuilder sb, DecodedFrame.Association a) {
        if (a.result() != null) line(sb, 1, "result " + a.result() + (a.diagnostic() == null ? "" : ", diagnostic " + a.diagnostic()));
        if (a.reason() != null) line(sb, 1, "reason " + a.reason());
        if (a.applicationContext() != null || a.mechanism() != null) {
            line(sb, 1, "application-context " + a.applicationContext() + ", mechanism " + (a.mechanism() == null ? "none given" : a.mechanism()));
        }
        if (a.callingApTitle() != null) line(sb, 1, "calling-AP-title " + a.callingApTitle());
        if (a.respondingApTitle() != null) line(sb, 1, "responding-AP-title " + a.respondingApTitle());
        if (a.authenticationValue() != null) line(sb, 1, "authentication-value " + a.authenticationValue());
        DecodedFrame.Initiate i = a.initiate();
        if (i == null) return;
        line(sb, 1, "user-information " + i.pdu() + (i.ciphering() == null ? "" : " (" + ciphering(i.ciphering()) + ")"));
        if (i.dlmsVersion() != null) {
            line(sb, 2, "dlms-version " + i.dlmsVersion() + ", max-receive-pdu-size " + i.maxReceivePduSize()
                    + (i.dedicatedKey() == null ? "" : ", dedicated-key " + i.dedicatedKey()));
            line(sb, 2, "conformance " + String.join(", ", i.conformance()));
        }
        if (i.refusal() != null) line(sb, 2, refusal(i.refusal()));
        if (i.problem() != null) line(sb, 2, "! " + i.problem());
    }

    private static String refusal(DecodedFrame.Refusal r) {
        if (r.confirmedService() != null) return r.confirmedService() + ": " + r.serviceError();
        return "state-error " + r.stateError() + ", service-error " + r.serviceError()
                + (r.invocationCounter() == null ? "" : " (the meter expects invocation counter " + r.invocationCounter() + ")");
    }

    /** A value: simple values and short containers on one line, long containers one element per line. */
    private static void value(StringBuilder sb, int indent, String head, DataValue v) {
        String one = oneLine(v);
        if (!v.isContainer() || one.length() <= ONE_LINE || v.elements().isEmpty()) {
            line(sb, indent, head + one);
            return;
        }
        line(sb, indent, head + v.type() + " of " + v.elements().size() + (v.meaning() == null ? "" : " = " + v.meaning()));
        for (DataValue e : v.elements()) {
            value(sb, indent + 1, "", e);
            if (sb.length() > MAX_FRAME_CHARS) return;
        }
    }

    static String oneLine(DataValue v) {
        if (v == null) return "?";
        StringBuilder sb = new StringBuilder();
        oneLine(sb, v, false);
        return sb.toString();
    }

    /** Inside a container, a string with a meaning (a date-time in a profile row) shows the meaning only. */
    private static void oneLine(StringBuilder sb, DataValue v, boolean inside) {
        if (sb.length() > MAX_FRAME_CHARS) return;
        if (v.isContainer()) {
            sb.append(v.type()).append(" {");
            for (int i = 0; i < v.elements().size(); i++) {
                if (i > 0) sb.append(", ");
                oneLine(sb, v.elements().get(i), true);
            }
            sb.append('}');
        } else if (inside && v.meaning() != null && v.value() instanceof String) {
            sb.append(v.type()).append(' ').append(v.meaning());
            return;
        } else {
            sb.append(v.type());
            if (v.value() != null) sb.append(' ').append(v.value());
        }
        if (v.meaning() != null) sb.append(" = ").append(v.meaning());
    }

    private static void line(StringBuilder sb, int indent, String s) {
        sb.append("    ".repeat(indent)).append(s).append('\n');
    }
}
