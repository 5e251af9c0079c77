package org.openhes.headend.simulator;

import gurux.dlms.GXServerReply;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * One request frame in, the meter's answer out: Gurux answers, then the fleet's {@link MeterVariants}
 * change what goes on the wire where Gurux has no hook for it (the AARE's fields, exception-responses,
 * the HDLC window in the UA, hanging up). Used by the connection handler and by in-memory meters alike.
 */
final class MeterExchange {
    /** What the meter does with one request: send {@code frame}, send nothing, or close the connection. */
    record Answer(byte[] frame, boolean hangUp) {
        static final Answer NOTHING = new Answer(null, false);
        static final Answer HANG_UP = new Answer(null, true);

        static Answer send(byte[] frame) {
            return new Answer(frame, false);
        }
    }

    private static final int AARQ = 0x60, AARE = 0x61, RLRQ = 0x62, EXCEPTION_RESPONSE = 0xD8;
    private static final int GET_REQUEST = 0xC0, SET_REQUEST = 0xC1, ACTION_REQUEST = 0xC3;
    private static final int HDLC_SNRM = 0x93, HDLC_UA = 0x73;
    /** exception-response state-error and service-error values (IEC 62056-5-3). */
    static final int SERVICE_NOT_ALLOWED = 1, SERVICE_UNKNOWN = 2, OPERATION_NOT_POSSIBLE = 1, SERVICE_NOT_SUPPORTED = 2;

    private final SimulatedMeter meter;
    private final MeterVariants variants;
    private final SimTransport transport;

    MeterExchange(SimulatedMeter meter, MeterVariants variants, SimTransport transport) {
        this.meter = meter;
        this.variants = variants;
        this.transport = transport;
    }

    /**
     * An exception-response saying the request could not be deciphered or its counter was refused: the
     * request did not authenticate, so its invocation counter must not move the meter's floor (a real
     * meter checks the tag before it takes the counter; otherwise anyone could push the floor up).
     */
    private static boolean refusedUnauthenticated(byte[] replyApdu) {
        return replyApdu != null && replyApdu.length >= 3 && (replyApdu[0] & 0xFF) == 0xD8 && (replyApdu[2] == 5 || replyApdu[2] == 6);
    }

    Answer answer(byte[] request) throws Exception {
        byte[] requestApdu = WireFrames.apdu(request, transport);
        int kind = requestApdu == null || requestApdu.length == 0 ? -1 : requestApdu[0] & 0xFF;
        boolean dataRequest = kind >= 0 && kind != AARQ && kind != RLRQ;
        boolean gated = dataRequest && meter.awaitingPass3();
        boolean withList = dataRequest && variants.has(MeterVariant.Quirk.NO_GET_WITH_LIST) && isWithList(requestApdu);
        meter.refuseEverything(withList);
        GXServerReply sr = new GXServerReply(request);
        try {
            meter.handleRequest(sr);
        } finally {
            meter.refuseEverything(false);
        }
        byte[] handled = sr.getReply();
        meter.afterRequest(handled == null || handled.length == 0 || !refusedUnauthenticated(WireFrames.apdu(handled, transport)));
        if (meter.takeHangUp()) return Answer.HANG_UP;
        boolean pass3 = meter.takePass3Attempt();
        byte[] reply = sr.getReply();
        if (reply == null || reply.length == 0) return Answer.NOTHING;
        if (variants.has(MeterVariant.Quirk.HDLC_SMALL_WINDOW) && isHdlc(request, HDLC_SNRM) && isHdlc(reply, HDLC_UA)) {
            return Answer.send(smallWindowUa(reply));
        }
        byte[] apdu = WireFrames.apdu(reply, transport);
        if (apdu == null || apdu.length == 0 || WireFrames.segmented(reply, transport)) return Answer.send(reply);
        int answered = apdu[0] & 0xFF;
        if (kind == AARQ) {
            if (answered == AARE) meter.fitBlocksToGeneralCiphering();
            if (answered == EXCEPTION_RESPONSE && variants.has(MeterVariant.Quirk.HANGUP_ON_AUTH_FAILURE)) return Answer.HANG_UP;
            return Answer.send(answered == AARE ? WireFrames.withApdu(reply, transport, aare(apdu)) : reply);
        }
        if (pass3 && !meter.associated() && variants.has(MeterVariant.Quirk.HANGUP_ON_AUTH_FAILURE)) return Answer.HANG_UP;
        byte[] out = apdu;
        if (gated && !pass3) {
            out = new byte[] {(byte) EXCEPTION_RESPONSE, SERVICE_NOT_ALLOWED, OPERATION_NOT_POSSIBLE};
        } else if (withList) {
            out = new byte[] {(byte) EXCEPTION_RESPONSE, SERVICE_UNKNOWN, SERVICE_NOT_SUPPORTED};
        }
        if ((out[0] & 0xFF) == EXCEPTION_RESPONSE && variants.has(MeterVariant.Quirk.CIPHERED_EXCEPTIONS) && meter.ciphered()) {
            out = cipheredByMeter(out);
        }
        return Answer.send(out == apdu ? reply : WireFrames.withApdu(reply, transport, out));
    }

    /** The AARE as the variants have it: diagnostic null instead of authentication-required, no user-information when rejecting. */
    private byte[] aare(byte[] apdu) {
        Aare aare = Aare.parse(apdu);
        if (aare == null) return apdu;
        if (variants.has(MeterVariant.Quirk.AARE_NO_AUTH_REQUIRED) && aare.accepted() && aare.diagnostic() == Aare.AUTHENTICATION_REQUIRED) {
            aare = aare.withDiagnostic(0);
        }
        if (variants.has(MeterVariant.Quirk.AARE_REJECT_WITHOUT_USER_INFORMATION) && !aare.accepted()) {
            aare = aare.without(Aare.USER_INFORMATION);
        }
        return aare.encode();
    }

    /** An APDU ciphered as the meter ciphers its replies: glo form, its system title and keys, its next counter. */
    private byte[] cipheredByMeter(byte[] plain) {
        var c = meter.getCiphering();
        long ic = c.getInvocationCounter();
        c.setInvocationCounter(ic + 1);
        return GloCipher.cipher(plain[0] & 0xFF, plain, ic, c.getSystemTitle(), c.getBlockCipherKey(), c.getAuthenticationKey());
    }

    /**
     * True when the request is a GET, SET or ACTION with a list (multiple-references), plain or ciphered
     * (glo-, ded-, general-glo- or general-ded-ciphering), as far as the meter can decipher it.
     */
    private boolean isWithList(byte[] apdu) {
        byte[] plain = plainRequest(apdu);
        if (plain == null || plain.length < 2) return false;
        int type = plain[1] & 0xFF;
        return switch (plain[0] & 0xFF) {
            case GET_REQUEST, ACTION_REQUEST -> type == 3;
            case SET_REQUEST -> type == 4 || type == 5;
            default -> false;
        };
    }

    private byte[] plainRequest(byte[] apdu) {
        int tag = apdu[0] & 0xFF;
        if (tag == GET_REQUEST || tag == SET_REQUEST || tag == ACTION_REQUEST) return apdu;
        var c = meter.getCiphering();
        byte[] clientTitle = meter.getSettings().getSourceSystemTitle();
        byte[] ek = c.getBlockCipherKey(), ak = c.getAuthenticationKey(), dedicated = c.getDedicatedKey();
        return switch (tag) {
            case 0xC8, 0xC9, 0xCB -> clientTitle == null ? null : GloCipher.decipher(apdu, clientTitle, ek, ak);
            case 0xD0, 0xD1, 0xD3 -> clientTitle == null || dedicated == null ? null : GloCipher.decipher(apdu, clientTitle, dedicated, ak);
            case 0xDB, 0xDC -> {
                // general-glo/ded-ciphering: tag, system title (length-prefixed), then the glo form's length onwards
                if (apdu.length < 11 || apdu[1] != 8) yield null;
                byte[] title = Arrays.copyOfRange(apdu, 2, 10);
                byte[] rest = new byte[apdu.length - 9];
                rest[0] = apdu[0];
                System.arraycopy(apdu, 10, rest, 1, apdu.length - 10);
                byte[] key = tag == 0xDB ? ek : dedicated;
                yield key == null ? null : GloCipher.decipher(rest, title, key, ak);
            }
            default -> null;
        };
    }

    private boolean isHdlc(byte[] frame, int control) {
        if (transport != SimTransport.HDLC) return false;
        WireFrames.Hdlc h = WireFrames.Hdlc.parse(frame);
        return h != null && (h.control() & 0xEF) == (control & 0xEF); // either way of the poll/final bit
    }

    /**
     * The UA with window sizes of 1: Gurux 4.0.47 clamps the information field lengths to the HDLC setup's
     * but compares the wrong fields before clamping the window sizes, so the meter's own settings are
     * fixed here too, then written into the UA's parameters as Gurux writes them.
     */
    private byte[] smallWindowUa(byte[] ua) {
        var limits = meter.getHdlcSettings();
        limits.setMaxInfoTX(Math.min(limits.getMaxInfoTX(), MeterSetup.SMALL_HDLC_INFO));
        limits.setMaxInfoRX(Math.min(limits.getMaxInfoRX(), MeterSetup.SMALL_HDLC_INFO));
        limits.setWindowSizeTX(MeterSetup.SMALL_HDLC_WINDOW);
        limits.setWindowSizeRX(MeterSetup.SMALL_HDLC_WINDOW);
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(0x81); // format identifier
        p.write(0x80); // group identifier
        p.write(0);    // group length, set below
        p.write(0x05); // maximum information field length, transmit
        p.write(1);
        p.write(limits.getMaxInfoTX());
        p.write(0x06); // maximum information field length, receive
        p.write(1);
        p.write(limits.getMaxInfoRX());
        p.writeBytes(new byte[] {0x07, 4, 0, 0, 0, (byte) limits.getWindowSizeTX()}); // window size, transmit
        p.writeBytes(new byte[] {0x08, 4, 0, 0, 0, (byte) limits.getWindowSizeRX()}); // window size, receive
        byte[] info = p.toByteArray();
        info[2] = (byte) (info.length - 3);
        return WireFrames.Hdlc.parse(ua).withInfo(info);
    }
}
