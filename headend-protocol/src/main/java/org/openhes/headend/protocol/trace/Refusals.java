package org.openhes.headend.protocol.trace;

/** Exception-response and confirmed-service-error: a meter saying no, by name. */
final class Refusals {
    private Refusals() {
    }

    /** The body of an exception-response (after its tag): state-error, service-error, and the counter on invocation-counter-error. */
    static DecodedFrame.Refusal exception(Reader r) {
        int state = r.u8("a state-error");
        int service = r.u8("a service-error");
        Long counter = service == 6 && r.remaining() >= 4 ? r.u32("the expected invocation counter") : null;
        return new DecodedFrame.Refusal(DlmsNames.stateError(state), DlmsNames.serviceError(service), null, counter);
    }

    /** The body of a confirmed-service-error (after its tag): the service refused, then ServiceError. */
    static DecodedFrame.Refusal confirmedServiceError(Reader r) {
        int service = r.u8("a confirmed service");
        int group = r.u8("a service-error choice");
        int value = r.u8("a service-error");
        return new DecodedFrame.Refusal(null, DlmsNames.confirmedServiceError(group, value), DlmsNames.confirmedService(service), null);
    }

    /**
     * Whether the exception-response at {@code r} (its tag next) is a ciphered one: the tag followed by a
     * length that covers the rest, then a security header. A plain one is 3 bytes, or 7 with the counter.
     */
    static boolean cipheredException(Reader r) {
        if (r.remaining() < 1 + 1 + 5 + 12) return false;
        Reader look = new Reader(r.buffer(), r.pos() + 1, r.end());
        long n = look.length("a length");
        if (n != look.remaining()) return false;
        int sc = look.u8("a security control byte");
        return (sc & 0x30) != 0 && (sc & 0x0F) <= 2;
    }
}
