package org.openhes.headend.protocol;

/** How DLMS APDUs are carried over TCP. */
public enum Transport {
    /** IEC 62056-47 TCP/UDP wrapper: an 8-byte header before each APDU; no link layer. */
    WRAPPER,
    /** HDLC (IEC 62056-46) frames over TCP, as behind terminal servers: SNRM/UA, I-frames, DISC. */
    HDLC;

    public static Transport parse(String s) {
        return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "wrapper", "tcp", "wrapper-tcp" -> WRAPPER;
            case "hdlc" -> HDLC;
            default -> throw new IllegalArgumentException("transport must be wrapper or hdlc (was " + s + ")");
        };
    }
}
