package org.openhes.headend.protocol.trace;

import java.util.List;

/**
 * The xDLMS APDU of an AARQ's, AARE's, RLRQ's or RLRE's user-information: initiate-request,
 * initiate-response or confirmed-service-error, deciphered first when it came glo-ciphered (with the
 * global encryption key, like other APDUs, and the sender's system title).
 */
final class InitiateDecoder {
    private final ApduCipher cipher;
    private final Conversation conversation;
    private final Masks masks;
    private final byte[] encryptionKey;

    InitiateDecoder(ApduCipher cipher, Conversation conversation, Masks masks, byte[] encryptionKey) {
        this.cipher = cipher;
        this.conversation = conversation;
        this.masks = masks;
        this.encryptionKey = encryptionKey;
    }

    DecodedFrame.Initiate decode(Reader r, boolean fromClient) {
        int tag = r.peek("an xDLMS APDU tag");
        String envelope = switch (tag) {
            case 0x21 -> "glo-initiate-request";
            case 0x28 -> "glo-initiate-response";
            case 0x2E -> "glo-confirmed-service-error";
            case 0xDB -> "general-glo-ciphering";
            default -> null;
        };
        if (envelope == null) return plain(r, null);
        byte[][] carried = new byte[1][];
        ApduCipher.Opened o = cipher.open(r, envelope, tag == 0xDB, conversation.senderTitle(fromClient), encryptionKey, carried);
        conversation.learnSenderTitle(fromClient, carried[0]);
        if (o.plain() == null) return failed(envelope, o.ciphering(), o.problem());
        try {
            return plain(Reader.of(o.plain()), o.ciphering());
        } catch (Undecodable e) {
            return failed(envelope, o.ciphering(), "deciphered, but " + e.getMessage());
        }
    }

    private static DecodedFrame.Initiate failed(String pdu, DecodedFrame.Ciphering c, String problem) {
        return new DecodedFrame.Initiate(pdu, c, null, List.of(), null, null, null, problem);
    }

    private DecodedFrame.Initiate plain(Reader r, DecodedFrame.Ciphering c) {
        int tag = r.u8("an xDLMS APDU tag");
        switch (tag) {
            case 0x01: {
                String dedicatedKey = null;
                if (r.u8("the dedicated-key flag") != 0) {
                    int n = (int) r.length("a dedicated key's length");
                    int at = r.pos();
                    conversation.dedicatedKey = r.bytes(n, "a dedicated key");
                    masks.secret(r.buffer(), at, r.pos());
                    dedicatedKey = DataValue.masked(n);
                }
                if (r.u8("the response-allowed flag") != 0) r.u8("response-allowed");
                if (r.u8("the quality-of-service flag") != 0) r.u8("the proposed quality of service");
                int version = r.u8("the proposed DLMS version");
                List<String> conformance = conformance(r);
                int maxPdu = r.u16("the client's max receive PDU size");
                return new DecodedFrame.Initiate("initiate-request", c, version, conformance, maxPdu, dedicatedKey, null, null);
            }
            case 0x08: {
                if (r.u8("the quality-of-service flag") != 0) r.u8("the negotiated quality of service");
                int version = r.u8("the negotiated DLMS version");
                List<String> conformance = conformance(r);
                int maxPdu = r.u16("the server's max receive PDU size");
                r.u16("the vaa-name");
                return new DecodedFrame.Initiate("initiate-response", c, version, conformance, maxPdu, null, null, null);
            }
            case 0x0E:
                return new DecodedFrame.Initiate("confirmed-service-error", c, null, List.of(), null, null,
                        Refusals.confirmedServiceError(r), null);
            default:
                throw new Undecodable(r.pos() - 1, String.format("xDLMS APDU of tag %02X in user-information", tag));
        }
    }

    /** Conformance: [APPLICATION 31] IMPLICIT BIT STRING (SIZE 24), BER-encoded inside the A-XDR. */
    private static List<String> conformance(Reader r) {
        int at = r.pos();
        if (r.u8("the conformance tag") != 0x5F || r.u8("the conformance tag") != 0x1F) {
            throw new Undecodable(at, "conformance block without its tag 5F 1F");
        }
        Reader bits = r.slice(r.u8("the conformance length"), "the conformance block");
        bits.u8("the conformance's unused bits");
        int v = 0;
        for (int i = 0; i < 3; i++) v = v << 8 | (bits.more() ? bits.u8("conformance") : 0);
        return DlmsNames.conformance(v);
    }
}
