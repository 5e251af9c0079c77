package org.openhes.headend.protocol.trace;

import java.util.HexFormat;

/**
 * The ACSE APDUs (BER-encoded): AARQ, AARE, RLRQ, RLRE. Authentication values are masked; the meter's
 * system title is learned from the AARE's responding-AP-title.
 */
final class AcseDecoder {
    private static final byte[] DLMS_OID = {0x60, (byte) 0x85, 0x74, 0x05, 0x08};

    private final InitiateDecoder initiate;
    private final Conversation conversation;
    private final Masks masks;

    AcseDecoder(InitiateDecoder initiate, Conversation conversation, Masks masks) {
        this.initiate = initiate;
        this.conversation = conversation;
        this.masks = masks;
    }

    /** Fields as they are read; an AARQ's and an AARE's tags mean different things. */
    private static final class Fields {
        String context, mechanism, calling, responding, authentication, result, diagnostic, reason;
        DecodedFrame.Initiate initiate;
    }

    void decode(Reader r, FrameBuilder fb) {
        int tag = r.u8("an APDU tag");
        fb.pdu = switch (tag) {
            case 0x60 -> "AARQ";
            case 0x61 -> "AARE";
            case 0x62 -> "RLRQ";
            default -> "RLRE";
        };
        Reader c = toTheEnd(r, r.berLength("the APDU's length"), fb, "the " + fb.pdu + "'s length");
        Fields f = new Fields();
        try {
            while (c.more()) {
                int t = c.u8("a BER tag");
                int n = c.berLength("a BER length");
                if ((t == 0xAC || t == 0xAA) && n > c.remaining()) {
                    masks.secret(c.buffer(), c.pos(), c.end()); // a damaged authentication value is masked all the same
                }
                // user-information comes last; read it to the end when its length is off (Gurux's RLRE)
                Reader v = t == 0xBE ? toTheEnd(c, n, fb, "user-information's length") : c.slice(n, "a BER element");
                element(tag, t, v, f, fb);
            }
        } finally {
            fb.association = new DecodedFrame.Association(f.context, f.mechanism, f.calling, f.responding, f.authentication,
                    f.result, f.diagnostic, f.reason, f.initiate);
        }
    }

    /**
     * The rest of {@code r}, which a length of {@code n} should have covered: a length that disagrees with
     * the bytes there is noted, and the bytes are read all the same.
     */
    private static Reader toTheEnd(Reader r, int n, FrameBuilder fb, String what) {
        if (n != r.remaining()) fb.problem(what + " gives " + n + " bytes where " + r.remaining() + " follow (read as " + r.remaining() + ")");
        return r.slice(r.remaining(), what);
    }

    private void element(int apdu, int t, Reader v, Fields f, FrameBuilder fb) {
        boolean aarq = apdu == 0x60, aare = apdu == 0x61;
        if (t == 0xBE) {
            f.initiate = userInformation(v, fb);
        } else if (apdu >= 0x62) {
            if (t == 0x80) f.reason = DlmsNames.releaseReason(apdu == 0x62, v.u8("a release reason"));
        } else if (t == 0xA1) {
            f.context = oid(v.slice(innerLength(v, 0x06), "an object identifier"), 1);
        } else if (aarq && t == 0x8B || aare && t == 0x89) {
            f.mechanism = oid(v, 2);
        } else if (aarq && t == 0xA6 || aare && t == 0xA4) {
            byte[] title = v.bytes(innerLength(v, 0x04), "an AP title");
            conversation.learnSenderTitle(aarq, title);
            if (aarq) f.calling = ApduCipher.systemTitle(title);
            else f.responding = ApduCipher.systemTitle(title);
        } else if (aarq && t == 0xAC || aare && t == 0xAA) {
            f.authentication = authenticationValue(v);
        } else if (aare && t == 0xA2) {
            f.result = DlmsNames.associationResult(v.slice(innerLength(v, 0x02), "a result").u8("a result"));
        } else if (aare && t == 0xA3) {
            int choice = v.u8("a result-source-diagnostic");
            v.berLength("a result-source-diagnostic's length");
            int value = v.slice(innerLength(v, 0x02), "a diagnostic").u8("a diagnostic");
            f.diagnostic = DlmsNames.diagnostic(choice == 0xA1, value);
        }
        // protocol-version, called-*, AE qualifiers, ACSE requirements, implementation-information: not shown
    }

    /** The length of a universal element ({@code tag}, length, content) that must come next. */
    private static int innerLength(Reader v, int tag) {
        int at = v.pos();
        int t = v.u8("a BER tag");
        if (t != tag) throw new Undecodable(at, String.format("BER tag %02X where %02X was expected", t, tag));
        return v.berLength("a BER length");
    }

    /** A DLMS context or mechanism name by name; another object identifier in dotted form. */
    private static String oid(Reader v, int arc) {
        byte[] b = v.bytes(v.remaining(), "an object identifier");
        if (b.length == 7 && java.util.Arrays.equals(b, 0, 5, DLMS_OID, 0, 5) && b[5] == arc) {
            return arc == 1 ? DlmsNames.applicationContext(b[6] & 0xFF) : DlmsNames.mechanism(b[6] & 0xFF);
        }
        return "object identifier " + HexFormat.of().withUpperCase().formatHex(b);
    }

    /** Authentication-value: a choice (charstring [0], bitstring [1], ...) whose content is a secret. */
    private String authenticationValue(Reader v) {
        int from = v.pos(), to = v.end();
        if (masks.recorderMasked(v.buffer(), from, to)) {
            // masked when recorded, choice and length included
            return DataValue.masked(Math.max(0, to - from - 2));
        }
        // all of it is masked first, so that a damaged one is masked too
        masks.secret(v.buffer(), from, to);
        v.u8("an authentication-value choice");
        int n = v.berLength("an authentication value's length");
        int at = v.pos();
        v.skip(n, "an authentication value");
        masks.secret(v.buffer(), at, at + n);
        return DataValue.masked(n);
    }

    private DecodedFrame.Initiate userInformation(Reader v, FrameBuilder fb) {
        Reader apdu = toTheEnd(v, innerLength(v, 0x04), fb, "user-information's octet string length");
        return initiate.decode(apdu, fb.fromClient);
    }
}
