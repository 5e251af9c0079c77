package org.openhes.headend.interop.meter;

/** The client SAPs this meter knows, IDIS style. */
public final class ClientSaps {
    /** Management client: HLS5-GMAC, authenticated and encrypted. */
    public static final int MANAGEMENT = 1;
    /** Public client: no security, reads the invocation counter, the clock and the logical device name. */
    public static final int PUBLIC = 16;
    /** Reader: LLS (password), reads everything, writes nothing. */
    public static final int READER = 32;

    private ClientSaps() {
    }
}
