package org.openhes.headend.protocol;

/**
 * The small vocabulary of ways a meter operation fails, as the scheduler acts on them.
 * {@link #retryable()} says whether trying the same operation again later can help.
 */
public enum MeterFailureKind {
    /** The TCP connection was refused or the host could not be reached. */
    UNREACHABLE(true, "check the meter's address and that its modem is online"),
    /** The TCP connection did not complete within the connect timeout. */
    CONNECT_TIMEOUT(true, "the link is slow or down; it is retried"),
    /** The meter did not answer a request within the response timeout. */
    RESPONSE_TIMEOUT(true, "the link is slow or the meter stopped answering; it is retried"),
    /** The connection closed in the middle of a session. */
    CONNECTION_LOST(true, "the link dropped; it is retried"),
    /** The meter refused the association (AARE result not accepted) for a reason other than authentication. */
    ASSOCIATION_REJECTED(true, "check --client-sap/--server-sap and the authentication mechanism"),
    /** The meter refused our credentials: wrong password, wrong keys or wrong system title. */
    AUTHENTICATION_FAILED(false, "check --ek/--ak (or the password) and the system titles"),
    /**
     * The meter closed the connection right after our AARQ, twice, while its public client worked in
     * between: what many meters do with wrong keys, an unknown system title or a counter below theirs.
     * Retryable once: the scheduler dead-letters it when the next attempt ends the same way, because
     * a link that drops connections at random does this too, rarely.
     */
    AUTHENTICATION_SUSPECTED(true, "the meter hangs up right after the AARQ but answers its public client: check the keys, the client system title and the invocation counter"),
    /** The meter rejected our invocation counter, and a resynchronisation did not cure it. */
    INVOCATION_COUNTER_OUT_OF_SYNC(true, "read the counter through the public client (SAP 16) and resynchronise"),
    /** The meter refused access to an object or attribute (read-write denied). */
    ACCESS_DENIED(false, "the client SAP lacks the right for this object; check the access rights"),
    /**
     * The meter refused the request as a whole (an exception-response such as service-not-supported,
     * service-unknown or pdu-too-long): the same request will be refused again.
     */
    REQUEST_REFUSED(false, "the meter refused the request itself; check that the meter profile fits the meter (headend inspect)"),
    /** The meter does not have the object or attribute. */
    OBJECT_UNAVAILABLE(false, "check the OBIS code in the meter profile"),
    /** A reply could not be decoded, or a frame was broken. */
    MALFORMED_RESPONSE(true, "the link corrupted a frame or the meter sent something unexpected; it is retried"),
    /** The meter answered that it is busy (temporary failure). */
    METER_BUSY(true, "the meter is busy; it is retried"),
    /** The head-end's own connection pool refused more work (back-pressure). */
    POOL_SATURATED(true, "too much work queued for the connection pool; it is retried later"),
    /** The whole session exceeded its time budget. */
    SESSION_TIMEOUT(true, "the session took longer than its budget; it is retried"),
    /** The request itself is invalid (e.g. a power limit out of range); retrying cannot help. */
    INVALID_REQUEST(false, "fix the request");

    private final boolean retryable;
    private final String hint;

    MeterFailureKind(boolean retryable, String hint) {
        this.retryable = retryable;
        this.hint = hint;
    }

    public boolean retryable() {
        return retryable;
    }

    /** What an operator or field engineer should check, in a few words. */
    public String hint() {
        return hint;
    }

    /** Lower-case words for messages, e.g. {@code authentication failed}. */
    public String words() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
}
