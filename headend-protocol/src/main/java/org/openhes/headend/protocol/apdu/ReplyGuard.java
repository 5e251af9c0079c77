package org.openhes.headend.protocol.apdu;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Looks at every message a meter sends in a session before the Gurux codec parses it, and refuses
 * what the codec would mishandle or what the association does not allow:
 * <ul>
 *   <li>the A-XDR {@code Data} of get-, action- and block replies is checked by {@link AxdrData}
 *       (bounded, allocation-free), after HDLC segments and data blocks are put back together, and after
 *       deciphering when the association is ciphered (a meter whose keys were extracted must not be
 *       able to exhaust the head-end's heap either);</li>
 *   <li>in a ciphered association, a reply in plaintext is refused (the codec would accept it), as is
 *       any security control other than authenticated encryption with suite 0;</li>
 *   <li>forms the head-end never negotiates (general block transfer, general ciphering or signing,
 *       action replies in blocks or lists, notifications inside a session) are refused by name;</li>
 *   <li>a reply that grows past {@link #MAX_REPLY_BYTES} across segments or blocks is refused (the
 *       codec would keep appending).</li>
 * </ul>
 * Refusals are {@link MalformedApdu}s; nothing of the content is put in their message. Not thread-safe:
 * one per session.
 */
public final class ReplyGuard {
    public static final int MAX_REPLY_BYTES = 1 << 20;

    static final int AARE = 0x61, RLRE = 0x63, EXCEPTION_RESPONSE = 0xD8, CONFIRMED_SERVICE_ERROR = 0x0E,
            GET_RESPONSE = 0xC4, SET_RESPONSE = 0xC5, ACTION_RESPONSE = 0xC7, DATA_NOTIFICATION = 0x0F,
            EVENT_NOTIFICATION = 0xC2, GENERAL_GLO = 0xDB, GENERAL_DED = 0xDC, GENERAL_BLOCK_TRANSFER = 0xE0;
    static final int AUTHENTICATED_ENCRYPTION_SUITE_0 = 0x30;
    private static final int TAG_BYTES = 12;

    private final boolean hdlc;
    private final Keys keys;
    private final BooleanSupplier requestWasWithList;
    private final ByteArrayOutputStream segments = new ByteArrayOutputStream();
    private final ByteArrayOutputStream blocks = new ByteArrayOutputStream();
    private Cipher gcm;
    private SecretKeySpec encryptionKey;

    /** The association's keys and the meter's system title (known once the AARE has arrived). */
    public record Keys(byte[] encryptionKey, byte[] authenticationKey, Supplier<byte[]> meterSystemTitle) {
    }

    /**
     * @param keys null for an association without ciphering
     * @param requestWasWithList whether the request being answered was a GET-with-list (decides how the
     *        codec reads data put together from blocks)
     */
    public ReplyGuard(boolean hdlc, Keys keys, BooleanSupplier requestWasWithList) {
        this.hdlc = hdlc;
        this.keys = keys;
        this.requestWasWithList = requestWasWithList;
    }

    /** Checks one frame from the link (one wrapper PDU or one HDLC frame). */
    public void inspect(byte[] frame) {
        if (!hdlc) {
            if (frame.length <= 8) return; // the codec reports an empty or short wrapper frame itself
            apdu(frame, 8, frame.length, false);
            return;
        }
        int[] info = hdlcInformation(frame);
        if (info == null) return; // not an information frame: link management the codec handles
        boolean more = ((frame[info[2]] & 0xFF) & 0x08) != 0;
        int from = info[0];
        if (segments.size() == 0 && info[1] - from >= 3 && (frame[from] & 0xFF) == 0xE6 && (frame[from + 1] & 0xFF) == 0xE7) {
            from += 3; // LLC header of the first segment
        }
        append(segments, frame, from, info[1]);
        if (more) return;
        byte[] apdu = segments.toByteArray();
        segments.reset();
        apdu(apdu, 0, apdu.length, false);
    }

    /**
     * Checks a pushed notification (one wrapper PDU): general-glo-ciphering with authenticated
     * encryption whose content is a data-notification with well-formed data.
     */
    public void inspectPush(byte[] frame) {
        if (keys == null) throw new IllegalStateException("pushes are checked with the sender's keys");
        if (frame.length <= 8) throw new MalformedApdu(0, "empty push");
        int tag = frame[8] & 0xFF;
        if (tag != GENERAL_GLO) throw new MalformedApdu(0, "push of tag " + hex(tag) + " (general-glo-ciphering expected)");
        byte[] plain = decipher(frame, 8, frame.length, true);
        int p = 0;
        if (AxdrData.u8(plain, p, plain.length, "an APDU tag") != DATA_NOTIFICATION) {
            throw new MalformedApdu(0, "ciphered push holding tag " + hex(plain[0] & 0xFF) + " (data-notification expected)");
        }
        p += 1 + 4; // tag, long-invoke-id-and-priority
        int timeBytes = AxdrData.u8(plain, p, plain.length, "the notification's date-time");
        p += 1 + timeBytes;
        AxdrData.check(plain, p, plain.length);
    }

    /** {start of information, end of information, offset of the format byte}, or null. */
    private static int[] hdlcInformation(byte[] f) {
        int p = f.length > 0 && (f[0] & 0xFF) == 0x7E ? 1 : 0;
        int end = f.length - p > 0 && (f[f.length - 1] & 0xFF) == 0x7E ? f.length - 1 : f.length;
        if (end - p < 3) throw new MalformedApdu(0, "HDLC frame of " + f.length + " bytes");
        int formatAt = p;
        p += 2;
        for (int address = 0; address < 2; address++) {
            int n = 0;
            while (p < end && ((f[p++] & 0x01) == 0)) {
                if (++n >= 4) throw new MalformedApdu(p, "HDLC address longer than 4 bytes");
            }
        }
        if (p >= end) return null;
        int control = f[p++] & 0xFF;
        boolean information = (control & 0x01) == 0 || (control & 0xEF) == 0x03;
        int infoStart = p + 2; // after the header check sequence
        int infoEnd = end - 2; // before the frame check sequence
        if (!information || infoEnd <= infoStart) return null;
        return new int[] {infoStart, infoEnd, formatAt};
    }

    private void apdu(byte[] a, int pos, int end, boolean deciphered) {
        int tag = AxdrData.u8(a, pos, end, "an APDU tag");
        switch (tag) {
            case AARE, RLRE, CONFIRMED_SERVICE_ERROR -> {
                // BER or fixed fields, read by the codec's own association code; no Data inside
            }
            case EXCEPTION_RESPONSE -> throw exceptionResponse(a, pos, end, deciphered);
            case GET_RESPONSE, SET_RESPONSE, ACTION_RESPONSE -> {
                if (keys != null && !deciphered) {
                    throw new MalformedApdu(pos, "plaintext reply (tag " + hex(tag) + ") in a ciphered association");
                }
                if (tag == GET_RESPONSE) getResponse(a, pos + 1, end);
                if (tag == ACTION_RESPONSE) actionResponse(a, pos + 1, end);
            }
            case DATA_NOTIFICATION, EVENT_NOTIFICATION, 0xCA, 0xD2 ->
                    throw new MalformedApdu(pos, "notification inside a session (pushes go to the push listener)");
            case GENERAL_BLOCK_TRANSFER -> {
                // jDLMS ciphers an exception-response under the tag 0xD8 + 8, which is general block transfer's
                if (keys != null && !deciphered && securityHeaderFollows(a, pos, end)) {
                    byte[] plain = decipher(a, pos, end, false);
                    if (plain.length >= 3 && (plain[0] & 0xFF) == EXCEPTION_RESPONSE) throw ExceptionResponse.parse(plain, 0, plain.length, true);
                }
                throw new MalformedApdu(pos, "general block transfer, which was not negotiated");
            }
            case 0xDD, 0xDF -> throw new MalformedApdu(pos, "general ciphering or signing, which was not negotiated");
            case 0xCC, 0xCD, 0xCF, 0xD4, 0xD5, 0xD7, GENERAL_GLO, GENERAL_DED -> {
                if (keys == null) throw new MalformedApdu(pos, "ciphered reply (tag " + hex(tag) + ") in a plaintext association");
                if (deciphered) throw new MalformedApdu(pos, "ciphered reply inside a ciphered reply");
                byte[] plain = decipher(a, pos, end, tag == GENERAL_GLO || tag == GENERAL_DED);
                apdu(plain, 0, plain.length, true);
            }
            default -> throw new MalformedApdu(pos, "unexpected APDU tag " + hex(tag));
        }
    }

    /**
     * An exception-response in plaintext ({@code D8 state service}) or ciphered ({@code D8} followed by a
     * security header, as some meters send it in a ciphered association), as the typed refusal.
     */
    private ExceptionResponse exceptionResponse(byte[] a, int pos, int end, boolean deciphered) {
        if (keys != null && !deciphered && securityHeaderFollows(a, pos, end)) {
            byte[] plain = decipher(a, pos, end, false);
            if (plain.length < 3 || (plain[0] & 0xFF) != EXCEPTION_RESPONSE) {
                throw new MalformedApdu(pos, "ciphered exception-response holding another APDU");
            }
            return ExceptionResponse.parse(plain, 0, plain.length, true);
        }
        if (end - pos < 3) throw new MalformedApdu(pos, "exception-response of " + (end - pos) + " bytes");
        return ExceptionResponse.parse(a, pos, end, deciphered);
    }

    /** Whether the tag at {@code pos} is followed by a length covering the rest and suite 0's security control. */
    private static boolean securityHeaderFollows(byte[] a, int pos, int end) {
        if (end - pos < 2 + 5 + TAG_BYTES) return false;
        long n = AxdrData.length(a, pos + 1, end);
        int p = AxdrData.afterLength(a, pos + 1);
        return n == end - p && p < end && (a[p] & 0xFF) == AUTHENTICATED_ENCRYPTION_SUITE_0;
    }

    private void getResponse(byte[] a, int p, int end) {
        int type = AxdrData.u8(a, p, end, "a get-response type");
        p += 2; // type, invoke-id-and-priority
        switch (type) {
            case 1 -> result(a, p, end);
            case 2 -> dataBlock(a, p, end);
            case 3 -> resultList(a, p, end);
            default -> throw new MalformedApdu(p - 2, "get-response of type " + type);
        }
    }

    /** Get-Data-Result: data, or a data-access-result (which the codec reads as data when it is 0). */
    private static int result(byte[] a, int p, int end) {
        int choice = AxdrData.u8(a, p, end, "a get-data-result");
        if (choice == 0) return AxdrData.skip(a, p + 1, end);
        int dar = AxdrData.u8(a, p + 1, end, "a data-access-result");
        if (dar == 0) throw new MalformedApdu(p, "data-access-result 0 (success) given as a failure");
        return p + 2;
    }

    private void resultList(byte[] a, int p, int end) {
        long n = AxdrData.length(a, p, end);
        p = AxdrData.afterLength(a, p);
        if (n > end - p) throw new MalformedApdu(p, "list of " + n + " results in " + (end - p) + " bytes");
        for (long i = 0; i < n; i++) p = result(a, p, end);
    }

    /** One block of a long get-response; the data is checked once the last block has arrived. */
    private void dataBlock(byte[] a, int p, int end) {
        int last = AxdrData.u8(a, p, end, "last-block");
        AxdrData.u8(a, p + 4, end, "a block number");
        long number = (a[p + 1] & 0xFFL) << 24 | (a[p + 2] & 0xFF) << 16 | (a[p + 3] & 0xFF) << 8 | (a[p + 4] & 0xFF);
        if (number <= 1) blocks.reset();
        int choice = AxdrData.u8(a, p + 5, end, "a block result");
        if (choice != 0) {
            blocks.reset();
            return; // a data-access-result ends the transfer
        }
        long n = AxdrData.length(a, p + 6, end);
        int from = AxdrData.afterLength(a, p + 6);
        if (n > end - from) throw new MalformedApdu(p, "block of " + n + " bytes where " + (end - from) + " remain");
        append(blocks, a, from, from + (int) n);
        if (last == 0) return;
        byte[] data = blocks.toByteArray();
        blocks.reset();
        if (requestWasWithList.getAsBoolean()) resultList(data, 0, data.length);
        else AxdrData.check(data, 0, data.length);
    }

    private static void actionResponse(byte[] a, int p, int end) {
        int type = AxdrData.u8(a, p, end, "an action-response type");
        if (type != 1) throw new MalformedApdu(p, "action-response of type " + type + " (blocks and lists are not negotiated)");
        p += 2; // type, invoke-id-and-priority
        int actionResult = AxdrData.u8(a, p++, end, "an action-result");
        if (actionResult != 0 || p >= end) return; // the codec reads return parameters only after success
        // The codec reads the OPTIONAL flag and the Get-Data-Result choice as one byte: 00 (absent) is
        // followed by nothing or by data it parses; 01 00 is "present, data"; 01 nn a failure.
        int choice = a[p] & 0xFF;
        if (choice == 0) {
            if (p + 1 < end) AxdrData.check(a, p + 1, end);
        } else if (choice == 1) {
            int dar = AxdrData.u8(a, p + 1, end, "a data-access-result");
            if (dar == 0) AxdrData.check(a, p + 2, end); // the codec then reads data
            else if (dar == 9 && p + 2 < end && (a[p + 2] & 0xFF) == 16) AxdrData.check(a, p + 1, end); // its TI quirk
        } else {
            throw new MalformedApdu(p, "action return parameters of choice " + choice);
        }
    }

    /** Deciphers a glo/ded or general-glo/ded reply (authenticated encryption, suite 0). */
    private byte[] decipher(byte[] a, int pos, int end, boolean general) {
        int p = pos + 1;
        byte[] title = keys.meterSystemTitle().get();
        if (general) {
            long n = AxdrData.length(a, p, end);
            p = AxdrData.afterLength(a, p);
            if (n != 8 || end - p < 8) throw new MalformedApdu(p, "system title of " + n + " bytes");
            byte[] carried = Arrays.copyOfRange(a, p, p + 8);
            if (title != null && !Arrays.equals(title, carried)) {
                throw new MalformedApdu(p, "system title differs from the one the meter gave in its AARE");
            }
            title = carried;
            p += 8;
        }
        if (title == null) throw new MalformedApdu(pos, "ciphered reply before the meter's system title is known");
        if (title.length != 8) throw new MalformedApdu(pos, "the meter's system title has " + title.length + " bytes, not 8");
        long n = AxdrData.length(a, p, end);
        p = AxdrData.afterLength(a, p);
        if (n > end - p || n < 5 + TAG_BYTES) throw new MalformedApdu(p, "ciphered content of " + n + " bytes");
        int sc = a[p] & 0xFF;
        if (sc != AUTHENTICATED_ENCRYPTION_SUITE_0) {
            throw new MalformedApdu(p, "security control " + hex(sc) + " where authenticated encryption (suite 0) was agreed");
        }
        byte[] iv = new byte[12];
        System.arraycopy(title, 0, iv, 0, 8);
        System.arraycopy(a, p + 1, iv, 8, 4);
        byte[] aad = new byte[1 + keys.authenticationKey().length];
        aad[0] = (byte) sc;
        System.arraycopy(keys.authenticationKey(), 0, aad, 1, keys.authenticationKey().length);
        try {
            if (gcm == null) {
                gcm = Cipher.getInstance("AES/GCM/NoPadding");
                encryptionKey = new SecretKeySpec(keys.encryptionKey(), "AES");
            }
            gcm.init(Cipher.DECRYPT_MODE, encryptionKey, new GCMParameterSpec(TAG_BYTES * 8, iv));
            gcm.updateAAD(aad);
            return gcm.doFinal(a, p + 5, (int) n - 5);
        } catch (GeneralSecurityException e) {
            throw MalformedApdu.notAuthentic(p);
        }
    }

    private static void append(ByteArrayOutputStream to, byte[] a, int from, int end) {
        if (to.size() + (end - from) > MAX_REPLY_BYTES) {
            to.reset();
            throw new MalformedApdu(from, "reply longer than " + MAX_REPLY_BYTES + " bytes");
        }
        to.write(a, from, end - from);
    }

    private static String hex(int b) {
        return String.format("0x%02X", b);
    }
}
