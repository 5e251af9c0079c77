package org.openhes.headend.scheduler.db;

/**
 * The embedded PostgreSQL cannot be started: the message says what holds its data directory (or what
 * failed) and what to run or change to free it.
 */
public final class EmbeddedServerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EmbeddedServerException(String message) {
        super(message);
    }

    public EmbeddedServerException(String message, Throwable cause) {
        super(message, cause);
    }
}
