package org.openhes.headend.protocol.trace;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads one HDLC frame (IEC 62056-46, frame format type 3) as recorded: format field (length and
 * segmentation bit), addresses, control field (frame type, N(S), N(R), poll/final), the header and frame
 * check sequences, and where the information field is. SNRM and UA parameters are decoded.
 */
final class HdlcFrames {
    private HdlcFrames() {
    }

    /**
     * @param link        the frame as a link description (segment numbers are filled in by the caller)
     * @param infoFrom    where the information field starts, or -1 when there is none
     * @param infoTo      where it ends (before the FCS)
     * @param carriesApdu an I or UI frame with information: a DLMS APDU or a segment of one
     * @param problem     what is wrong with the frame (length, checks), or null
     */
    record Frame(DecodedFrame.Link link, int infoFrom, int infoTo, boolean carriesApdu, boolean moreSegments, String problem) {
    }

    /** @param checkable false when bytes were masked when recorded: the check sequences cannot be checked then */
    static Frame read(byte[] f, boolean checkable) {
        int end = f.length > 1 && (f[f.length - 1] & 0xFF) == 0x7E ? f.length - 1 : f.length;
        if (f.length < 1 || (f[0] & 0xFF) != 0x7E) throw new Undecodable(0, "an HDLC frame starts with the flag 7E");
        Reader r = new Reader(f, 1, end);
        int format = r.u16("the HDLC format field");
        if ((format >> 12) != 0xA) throw new Undecodable(1, "HDLC frame format type " + (format >> 12) + " (3 expected)");
        boolean more = (format & 0x0800) != 0;
        int length = format & 0x07FF;
        StringBuilder problems = new StringBuilder();
        if (length != end - 1) problems.append("the format field gives ").append(length).append(" bytes, the frame has ").append(end - 1);
        String destination = address(r), source = address(r);
        int control = r.u8("the HDLC control field");
        int headerEnd = r.pos();
        int infoFrom = -1, infoTo = -1;
        if (end - headerEnd > 2) {
            if (checkable) check(f, 1, headerEnd, "HCS", problems);
            infoFrom = headerEnd + 2;
            infoTo = end - 2;
        }
        if (end - headerEnd < 2) append(problems, "no frame check sequence");
        else if (checkable) check(f, 1, end - 2, "FCS", problems);

        String type;
        Integer ns = null, nr = null;
        if ((control & 0x01) == 0) {
            type = "I";
            ns = (control >> 1) & 7;
            nr = (control >> 5) & 7;
        } else if ((control & 0x03) == 0x01) {
            type = new String[] {"RR", "RNR", "REJ", "SREJ"}[(control >> 2) & 3];
            nr = (control >> 5) & 7;
        } else {
            type = switch (control & 0xEF) {
                case 0x83 -> "SNRM";
                case 0x43 -> "DISC";
                case 0x63 -> "UA";
                case 0x0F -> "DM";
                case 0x87 -> "FRMR";
                case 0x03 -> "UI";
                default -> String.format("U-frame %02X", control);
            };
        }
        boolean pollFinal = (control & 0x10) != 0;
        boolean information = infoFrom >= 0 && infoTo > infoFrom;
        Map<String, Long> parameters = (type.equals("SNRM") || type.equals("UA")) && information
                ? parameters(f, infoFrom, infoTo) : null;
        boolean carriesApdu = information && (type.equals("I") || type.equals("UI"));
        var link = new DecodedFrame.Link("HDLC", type, source, destination, ns, nr, pollFinal, null,
                carriesApdu ? !more : null, parameters);
        return new Frame(link, infoFrom, infoTo, carriesApdu, more, problems.isEmpty() ? null : problems.toString());
    }

    /** An HDLC address of 1, 2 or 4 bytes (the last has its low bit set): a client SAP, or server upper/lower. */
    private static String address(Reader r) {
        int[] b = new int[4];
        int n = 0;
        while (true) {
            int at = r.pos();
            int v = r.u8("an HDLC address");
            if (n == 4) throw new Undecodable(at, "HDLC address longer than 4 bytes");
            b[n++] = v;
            if ((v & 1) == 1) break;
        }
        return switch (n) {
            case 1 -> String.valueOf(b[0] >> 1);
            case 2 -> (b[0] >> 1) + "/" + (b[1] >> 1);
            case 4 -> ((b[0] >> 1) << 7 | (b[1] >> 1)) + "/" + ((b[2] >> 1) << 7 | (b[3] >> 1));
            default -> throw new Undecodable(r.pos(), "HDLC address of " + n + " bytes");
        };
    }

    private static void check(byte[] f, int from, int to, String name, StringBuilder problems) {
        int expected = crc16(f, from, to);
        int carried = (f[to] & 0xFF) | (f[to + 1] & 0xFF) << 8;
        if (expected != carried) append(problems, "the " + name + " does not verify");
    }

    private static void append(StringBuilder sb, String s) {
        if (!sb.isEmpty()) sb.append("; ");
        sb.append(s);
    }

    /** The HDLC frame check sequence (CRC-16/X.25, as in RFC 1662). */
    static int crc16(byte[] b, int from, int to) {
        int fcs = 0xFFFF;
        for (int i = from; i < to; i++) {
            fcs ^= b[i] & 0xFF;
            for (int k = 0; k < 8; k++) fcs = (fcs & 1) != 0 ? (fcs >>> 1) ^ 0x8408 : fcs >>> 1;
        }
        return ~fcs & 0xFFFF;
    }

    /** SNRM/UA parameters: format 81, group 80, then (id, length, value) for the four negotiated values. */
    private static Map<String, Long> parameters(byte[] f, int from, int to) {
        Map<String, Long> out = new LinkedHashMap<>();
        try {
            Reader r = new Reader(f, from, to);
            if (r.u8("the HDLC parameter format") != 0x81 || r.u8("the HDLC parameter group") != 0x80) return out;
            Reader g = r.slice(r.u8("the HDLC parameter group length"), "HDLC parameters");
            while (g.more()) {
                int id = g.u8("an HDLC parameter");
                int n = g.u8("an HDLC parameter length");
                if (n > 4) throw new Undecodable(g.pos(), "HDLC parameter of " + n + " bytes");
                long v = 0;
                for (int i = 0; i < n; i++) v = v << 8 | g.u8("an HDLC parameter value");
                String name = switch (id) {
                    case 5 -> "max-info-field-length-transmit";
                    case 6 -> "max-info-field-length-receive";
                    case 7 -> "window-size-transmit";
                    case 8 -> "window-size-receive";
                    default -> "parameter " + id;
                };
                out.put(name, v);
            }
        } catch (Undecodable damaged) {
            // the parameters shown are those read before the damage
        }
        return out;
    }
}
