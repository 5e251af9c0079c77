package org.openhes.headend.protocol.trace;

/**
 * Which COSEM attributes and method parameters carry secrets, shown as {@code ***(n bytes)}: the
 * association's secret (LLS password, attribute 7), the HLS exchange (reply_to_HLS_authentication:
 * f(StoC) asked, f(CtoS) returned) and new HLS secrets, and key transfers of the security setup. A key
 * transfer's parameter is shown but for its octet strings (the wrapped keys): which keys were changed is
 * what a field engineer needs to see, and a wrapped key is as good as the key to whoever has the KEK.
 */
final class Secrets {
    static final int ASSOCIATION_LN = 15, SECURITY_SETUP = 64;

    private Secrets() {
    }

    /** Whether the value of the attribute, or the parameter of the method, {@code d} names is a secret. */
    static boolean carried(DecodedFrame.Descriptor d) {
        if (d.kind().equals("attribute")) return d.classId() == ASSOCIATION_LN && d.id() == 7;
        return d.classId() == ASSOCIATION_LN && (d.id() == 1 || d.id() == 2)
                || d.classId() == SECURITY_SETUP && d.id() == 2;
    }

    /** Whether {@code d} is global_key_transfer (security setup method 2): its octet strings are secrets, not the rest. */
    static boolean keyTransfer(DecodedFrame.Descriptor d) {
        return d != null && d.kind().equals("method") && d.classId() == SECURITY_SETUP && d.id() == 2;
    }

    /** Whether what the method {@code d} returns is a secret (the meter's f(CtoS) in HLS pass 4). */
    static boolean returned(DecodedFrame.Descriptor d) {
        return d.classId() == ASSOCIATION_LN && d.id() == 1;
    }
}
