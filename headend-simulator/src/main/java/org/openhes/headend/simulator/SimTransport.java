package org.openhes.headend.simulator;

/** How the simulated meters frame their APDUs on TCP. */
public enum SimTransport {
    /** IEC 62056-47 wrapper (8-byte header). */
    WRAPPER,
    /** HDLC frames over TCP, as a meter behind a terminal server. */
    HDLC
}
