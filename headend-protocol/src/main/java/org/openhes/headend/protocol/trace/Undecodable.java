package org.openhes.headend.protocol.trace;

/**
 * Bytes that cannot be decoded: what was expected and where. Carries no content bytes (they may be
 * deciphered), only an offset into the buffer being read.
 */
final class Undecodable extends RuntimeException {
    Undecodable(int offset, String what) {
        super(what + " (byte " + offset + ")", null, false, false);
    }
}
