package org.openhes.headend.interop.front;

import java.util.OptionalLong;

/**
 * Finds the invocation counter of a ciphered xDLMS APDU. After a glo-/ded- tag and its A-XDR length
 * come the security control byte and the 4-byte counter; general-glo/ded-ciphering put the system
 * title (length-prefixed) before that length. An AARQ or RLRQ carries its ciphered initiate-request
 * in user-information ([30], tag 0xBE, holding an OCTET STRING), so the search goes in there.
 */
public final class CipheredApdus {
    static final int AARQ = 0x60;
    static final int RLRQ = 0x62;
    static final int USER_INFORMATION = 0xBE;
    static final int OCTET_STRING = 0x04;
    static final int GLO_INITIATE_REQUEST = 0x21;
    static final int GENERAL_GLO_CIPHERING = 0xDB;
    static final int GENERAL_DED_CIPHERING = 0xDC;

    private CipheredApdus() {
    }

    /** The counter, or empty for an APDU that is not ciphered (or too short to hold one). */
    public static OptionalLong invocationCounter(byte[] apdu) {
        try {
            return counterAt(apdu, 0);
        } catch (ArrayIndexOutOfBoundsException truncated) {
            return OptionalLong.empty();
        }
    }

    static boolean isGloOrDedRequest(int tag) {
        return tag == GLO_INITIATE_REQUEST
                || (tag >= 0xC8 && tag <= 0xCB)   // glo-get/set/event-notification/action-request
                || (tag >= 0xD0 && tag <= 0xD3);  // ded-get/set/event-notification/action-request
    }

    private static OptionalLong counterAt(byte[] b, int at) {
        int tag = b[at] & 0xFF;
        if (tag == AARQ || tag == RLRQ) {
            return inUserInformation(b, at);
        }
        if (isGloOrDedRequest(tag)) {
            int[] len = length(b, at + 1);
            return counterAfterSecurityControl(b, len[1]);
        }
        if (tag == GENERAL_GLO_CIPHERING || tag == GENERAL_DED_CIPHERING) {
            int[] titleLength = length(b, at + 1);
            int[] contentLength = length(b, titleLength[1] + titleLength[0]);
            return counterAfterSecurityControl(b, contentLength[1]);
        }
        return OptionalLong.empty();
    }

    private static OptionalLong inUserInformation(byte[] b, int at) {
        int[] outer = length(b, at + 1);
        int end = outer[1] + outer[0];
        int p = outer[1];
        while (p < end) {
            int tag = b[p] & 0xFF;
            int[] len = length(b, p + 1);
            if (tag == USER_INFORMATION && (b[len[1]] & 0xFF) == OCTET_STRING) {
                int[] inner = length(b, len[1] + 1);
                return counterAt(b, inner[1]);
            }
            p = len[1] + len[0];
        }
        return OptionalLong.empty();
    }

    private static OptionalLong counterAfterSecurityControl(byte[] b, int securityControlAt) {
        int p = securityControlAt + 1;
        long counter = ((b[p] & 0xFFL) << 24) | ((b[p + 1] & 0xFFL) << 16) | ((b[p + 2] & 0xFFL) << 8) | (b[p + 3] & 0xFFL);
        return OptionalLong.of(counter);
    }

    /** A BER / A-XDR length at {@code at}: {value, offset of the first content byte}. */
    static int[] length(byte[] b, int at) {
        int first = b[at] & 0xFF;
        if (first < 0x80) {
            return new int[] {first, at + 1};
        }
        int count = first & 0x7F;
        int value = 0;
        for (int i = 1; i <= count; i++) {
            value = (value << 8) | (b[at + i] & 0xFF);
        }
        return new int[] {value, at + 1 + count};
    }
}
