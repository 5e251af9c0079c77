package org.openhes.headend.protocol;

/**
 * The small vocabulary of ways a meter operation fails, as the scheduler acts on them.
 * {@link #retryable()} says whether trying the same operation again later can help.
 */
public enum MeterFailureKind {
    /** The TCP connection was refused or the host could not be reached. */
    UNREACHABLE(true, "check --meter HOST:PORT and that the meter's modem is online",
            "check the meter's address in the registry and that its modem is online"),
    /** The TCP connection did not complete within the connect timeout. */
    CONNECT_TIMEOUT(true, "the link is slow or down; try again",
            "the link is slow or down (connect.timeout sets the wait)"),
    /** The meter did not answer a request within the response timeout. */
    RESPONSE_TIMEOUT(true, "the link is slow or the meter stopped answering; try again or raise --timeout",
            "the link is slow or the meter stopped answering (response.timeout sets the wait)"),
    /** The connection closed in the middle of a session. */
    CONNECTION_LOST(true, "the link dropped; try again", "the link dropped"),
    /** The meter refused the association (AARE result not accepted) for a reason other than authentication. */
    ASSOCIATION_REJECTED(true, "check --client-sap/--server-sap and --auth",
            "check the meter's client and server SAP and its authentication mechanism in the registry"),
    /** The meter refused our credentials: wrong password, wrong keys or wrong system title. */
    AUTHENTICATION_FAILED(false, "check --ek/--ak (or --password) and --system-title",
            "check the meter's keys (or password) and system title in the registry, and the client system title (client.system.title)"),
    /**
     * The meter closed the connection right after our AARQ, twice, while its public client worked in
     * between: what many meters do with wrong keys, an unknown system title or a counter below theirs.
     * Retryable once: the scheduler dead-letters it when the next attempt ends the same way, because
     * a link that drops connections at random does this too, rarely.
     */
    AUTHENTICATION_SUSPECTED(true,
            "the meter hangs up right after the AARQ but answers its public client: check the keys (--ek/--ak), the client system title (--system-title) and the invocation counter (--invocation-counter)",
            "the meter hangs up right after the AARQ but answers its public client: check the meter's keys in the registry, the client system title (client.system.title) and the invocation counter"),
    /** The meter rejected our invocation counter, and a resynchronisation did not cure it. */
    INVOCATION_COUNTER_OUT_OF_SYNC(true, "read the counter through the public client (--client-sap 16) and give it with --invocation-counter",
            "the meter and the head-end disagree on the invocation counter; if it persists, check that the meter's public client (SAP 16) answers"),
    /** The meter refused access to an object or attribute (read-write denied). */
    ACCESS_DENIED(false, "the client SAP (--client-sap) lacks the right for this object; check the access rights",
            "the meter's client SAP in the registry lacks the right for this object; check the meter's access rights"),
    /**
     * The meter refused the request as a whole (an exception-response such as service-not-supported,
     * service-unknown or pdu-too-long): the same request will be refused again.
     */
    REQUEST_REFUSED(false, "the meter refused the request itself; check that --profile fits the meter (headend inspect)",
            "the meter refused the request itself; check that the meter's profile in the registry fits the meter (headend inspect)"),
    /** The meter does not have the object or attribute. */
    OBJECT_UNAVAILABLE(false, "check the OBIS code (--obis, or the objects of --profile)",
            "check the OBIS codes of the meter's profile in the registry"),
    /** A reply could not be decoded, or a frame was broken. */
    MALFORMED_RESPONSE(true, "the link corrupted a frame or the meter sent something unexpected; try again, --trace shows the frames",
            "the link corrupted a frame or the meter sent something unexpected (the meter's trace shows the frames)"),
    /** The meter answered that it is busy (temporary failure). */
    METER_BUSY(true, "the meter is busy; try again later", "the meter is busy"),
    /** The head-end's own connection pool refused more work (back-pressure). */
    POOL_SATURATED(true, "too much work queued for the connection pool; try again later",
            "too much work queued for the connection pool (pool.max.sessions)"),
    /** The whole session exceeded its time budget. */
    SESSION_TIMEOUT(true, "the session took longer than its budget; try again",
            "the session took longer than its budget (session.timeout)"),
    /** The request itself is invalid (e.g. a power limit out of range); retrying cannot help. */
    INVALID_REQUEST(false, "fix the options of the command", "fix the request");

    private final boolean retryable;
    private final String commandLineHint;
    private final String storedMeterHint;

    MeterFailureKind(boolean retryable, String commandLineHint, String storedMeterHint) {
        this.retryable = retryable;
        this.commandLineHint = commandLineHint;
        this.storedMeterHint = storedMeterHint;
    }

    public boolean retryable() {
        return retryable;
    }

    /**
     * What to check, in a few words, worded for its reader: the flags of the command line, or the
     * registry and settings for a stored meter's job (where there are no flags). A stored meter's hint
     * does not say whether the job is tried again: the queue adds that (a dead letter carries the
     * same hint).
     */
    public String hint(HintContext context) {
        return switch (context) {
            case COMMAND_LINE -> commandLineHint;
            case STORED_METER -> storedMeterHint;
        };
    }

    /** Lower-case words for messages, e.g. {@code authentication failed}. */
    public String words() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
}
