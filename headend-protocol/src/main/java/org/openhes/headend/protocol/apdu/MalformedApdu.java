package org.openhes.headend.protocol.apdu;

/**
 * A reply refused before the DLMS library parses it: what was wrong and where. Carries no bytes of the
 * reply (it may be deciphered content), only an offset into the APDU.
 */
public final class MalformedApdu extends RuntimeException {
    private final int offset;
    private final boolean notAuthentic;

    public MalformedApdu(int offset, String what) {
        this(offset, what, false);
    }

    private MalformedApdu(int offset, String what, boolean notAuthentic) {
        super(what + " (byte " + offset + " of the APDU)", null, false, false);
        this.offset = offset;
        this.notAuthentic = notAuthentic;
    }

    /** Ciphered content whose authentication tag does not verify with the association's keys. */
    static MalformedApdu notAuthentic(int offset) {
        return new MalformedApdu(offset, "ciphered content does not authenticate", true);
    }

    /** True when the content failed its authentication tag (damaged, or sent with other keys). */
    public boolean notAuthentic() {
        return notAuthentic;
    }

    public int offset() {
        return offset;
    }
}
