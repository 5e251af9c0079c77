package org.openhes.headend.protocol.session;

import gurux.dlms.GXByteBuffer;

/**
 * What some meters put in an AARE that the codec would refuse although the association is usable.
 * Seen on the wire against an independent server (OpenMUC jDLMS): an LLS or unauthenticated AARE that
 * accepts the association but names the application context "logical name with ciphering" where the
 * client proposed "logical name"; nothing in it is ciphered. The codec rejects such an AARE as
 * "permanent-rejected, not supported"; the head-end takes it as the context it proposed.
 */
final class AareQuirks {
    /** application-context-name [1] { OBJECT IDENTIFIER 2.16.756.5.8.1.x }: the context id is the last byte. */
    private static final byte[] CONTEXT = {(byte) 0xA1, 0x09, 0x06, 0x07, 0x60, (byte) 0x85, 0x74, 0x05, 0x08, 0x01};
    private static final int LN = 1, LN_WITH_CIPHERING = 3;
    /** The context name comes within the AARE's first fields (tag, length, protocol version). */
    private static final int SEARCH = 24;

    private AareQuirks() {
    }

    /** For an association without ciphering: an AARE naming LN with ciphering is read as LN. */
    static void unciphered(GXByteBuffer aare) {
        byte[] b = aare.getData();
        int from = aare.position(), end = Math.min(aare.size(), from + SEARCH);
        for (int p = from; p + CONTEXT.length < end; p++) {
            if (matches(b, p) && b[p + CONTEXT.length] == LN_WITH_CIPHERING) {
                b[p + CONTEXT.length] = LN;
                return;
            }
        }
    }

    private static boolean matches(byte[] b, int p) {
        for (int k = 0; k < CONTEXT.length; k++) if (b[p + k] != CONTEXT[k]) return false;
        return true;
    }
}
