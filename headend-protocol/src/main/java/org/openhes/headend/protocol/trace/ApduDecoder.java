package org.openhes.headend.protocol.trace;

/**
 * Decodes one whole APDU by its tag: ACSE, xDLMS services, refusals, notifications; ciphered APDUs are
 * deciphered (with the sender's system title: the client's for TX, the meter's for RX) and their content
 * decoded in turn, as is the content of a general block transfer once its last block is in.
 */
final class ApduDecoder {
    /** Envelopes inside envelopes (block transfer, then ciphering) go no deeper than this. */
    private static final int MAX_NESTING = 3;

    private final Conversation conversation;
    private final Masks masks;
    private final ApduCipher cipher;
    private final byte[] encryptionKey;
    private final AcseDecoder acse;
    private final GetServices get;
    private final SetServices set;
    private final ActionServices action;
    private final Notifications notifications;

    ApduDecoder(byte[] encryptionKey, byte[] authenticationKey, Conversation conversation, Masks masks) {
        this.conversation = conversation;
        this.masks = masks;
        this.encryptionKey = encryptionKey;
        this.cipher = new ApduCipher(authenticationKey, masks);
        ServiceFields fields = new ServiceFields(masks);
        this.acse = new AcseDecoder(new InitiateDecoder(cipher, conversation, masks, encryptionKey), conversation, masks);
        this.get = new GetServices(fields, conversation);
        this.set = new SetServices(fields, conversation);
        this.action = new ActionServices(fields, conversation);
        this.notifications = new Notifications(fields);
    }

    /** Decodes the APDU held by {@code a} (one frame's, or segments put together). */
    void decode(Assembly a, FrameBuilder fb) {
        byte[] b = a.bytes();
        masks.within(a, () -> decode(Reader.of(b), fb, 0));
    }

    private void decode(Reader r, FrameBuilder fb, int depth) {
        if (depth > MAX_NESTING) throw new Undecodable(r.pos(), "APDUs nested deeper than " + MAX_NESTING + " envelopes");
        int tag = r.peek("an APDU tag");
        String envelope = CipheredTags.name(tag);
        if (envelope != null) {
            deciphered(r, fb, envelope, tag, depth);
            return;
        }
        switch (tag) {
            case 0x60, 0x61, 0x62, 0x63 -> acse.decode(r, fb);
            case 0xC0 -> get.request(r, fb);
            case 0xC4 -> get.response(r, fb);
            case 0xC1 -> set.request(r, fb);
            case 0xC5 -> set.response(r, fb);
            case 0xC3 -> action.request(r, fb);
            case 0xC7 -> action.response(r, fb);
            case 0xD8 -> exception(r, fb, depth);
            case 0x0E -> {
                r.u8("an APDU tag");
                fb.pdu = "confirmed-service-error";
                fb.refusal = Refusals.confirmedServiceError(r);
            }
            case 0x0F -> notifications.dataNotification(r, fb);
            case 0xC2 -> notifications.eventNotification(r, fb);
            case 0xE0 -> generalBlockTransfer(r, fb, depth);
            case 0xDD, 0xDF -> {
                fb.pdu = tag == 0xDD ? "general-ciphering" : "general-signing";
                fb.problem("not deciphered: general ciphering and signing (key agreement, signatures) are not supported here");
            }
            default -> {
                fb.pdu = String.format("APDU tag %02X", tag);
                fb.problem(String.format("unknown APDU tag %02X", tag));
            }
        }
    }

    private void deciphered(Reader r, FrameBuilder fb, String envelope, int tag, int depth) {
        boolean general = tag == CipheredTags.GENERAL_GLO || tag == CipheredTags.GENERAL_DED;
        byte[] key = CipheredTags.dedicated(tag) ? conversation.dedicatedKey : encryptionKey;
        if (CipheredTags.dedicated(tag) && key == null) {
            fb.pdu = envelope;
            fb.problem("cannot decipher: no dedicated key (the AARQ that carried it is not in this trace)");
            return;
        }
        byte[][] carried = new byte[1][];
        ApduCipher.Opened o = cipher.open(r, envelope, general, conversation.senderTitle(fb.fromClient), key, carried);
        conversation.learnSenderTitle(fb.fromClient, carried[0]);
        fb.ciphering = o.ciphering();
        fb.pdu = envelope;
        if (o.plain() == null) {
            fb.problem(o.problem());
            return;
        }
        Reader plain = Reader.of(o.plain());
        if (!plain.more()) throw new Undecodable(0, "deciphered content is empty");
        if (CipheredTags.name(plain.peek("an APDU tag")) != null) {
            throw new Undecodable(0, "a ciphered APDU inside a ciphered APDU");
        }
        try {
            decode(plain, fb, depth + 1);
        } catch (Undecodable e) {
            fb.problem("deciphered, but cannot decode: " + e.getMessage());
        }
    }

    /** Exception-response, plain ({@code D8 state service}) or ciphered (the same tag, then a security header). */
    private void exception(Reader r, FrameBuilder fb, int depth) {
        if (depth == 0 && Refusals.cipheredException(r)) {
            byte[][] carried = new byte[1][];
            ApduCipher.Opened o = cipher.open(r, "exception-response (ciphered)", false,
                    conversation.senderTitle(fb.fromClient), encryptionKey, carried);
            fb.ciphering = o.ciphering();
            fb.pdu = "exception-response";
            if (o.plain() == null) {
                fb.problem(o.problem());
                return;
            }
            Reader plain = Reader.of(o.plain());
            if (plain.remaining() > 2 && plain.peek("an APDU tag") == 0xD8) plain.u8("an APDU tag");
            fb.refusal = Refusals.exception(plain);
            return;
        }
        r.u8("an APDU tag");
        fb.pdu = "exception-response";
        fb.refusal = Refusals.exception(r);
    }

    /** General-Block-Transfer: block control, numbers, block data; the APDU is decoded from the last block. */
    private void generalBlockTransfer(Reader r, FrameBuilder fb, int depth) {
        r.u8("an APDU tag");
        int control = r.u8("a block control");
        int number = r.u16("a block number");
        r.u16("a block number acknowledged");
        long n = r.length("the block data's length");
        int from = r.pos();
        r.skip(n, "block data");
        boolean last = (control & 0x80) != 0;
        fb.pdu = "general-block-transfer";
        fb.block = new DecodedFrame.Block(number, last, (int) n);
        Conversation.Pending p = conversation.pending(fb.fromClient);
        if (number <= 1 || p.generalBlocks == null) p.generalBlocks = new Assembly();
        p.generalBlocks.append(r.buffer(), from, from + (int) n, masks.current());
        if (!last) return;
        Assembly whole = p.generalBlocks;
        p.generalBlocks = null;
        byte[] b = whole.bytes();
        masks.within(whole, () -> decode(Reader.of(b), fb, depth + 1));
    }
}
