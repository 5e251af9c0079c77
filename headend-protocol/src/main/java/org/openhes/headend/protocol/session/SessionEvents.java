package org.openhes.headend.protocol.session;

import java.time.Duration;
import org.openhes.headend.protocol.MeterFailureKind;

/** What the session layer reports for metrics. Called on I/O threads: implementations must not block. */
public interface SessionEvents {
    SessionEvents NONE = new SessionEvents() {
    };

    /** A session got its slot in the pool after waiting {@code waited} (behind the cap, its host's or its meter's). */
    default void slotGranted(String operation, Duration waited) {
    }

    /** A session started (the TCP connection is being opened). */
    default void sessionStarted(String operation) {
    }

    /** A session ended; {@code failure} is null on success. */
    default void sessionEnded(String operation, MeterFailureKind failure, Duration duration) {
    }

    /** A session's connection is closed after sending {@code frames} DLMS requests. */
    default void requestsSent(String operation, int frames) {
    }

    /** Work ran in another operation's session instead of a session of its own ({@code ahead}: between that operation's requests). */
    default void joinedSession(String operation, boolean ahead) {
    }

    /** The invocation counter of a meter was found behind and moved forward. */
    default void counterResynchronised() {
    }
}
