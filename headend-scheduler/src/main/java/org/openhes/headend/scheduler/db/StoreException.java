package org.openhes.headend.scheduler.db;

/** The database refused or could not be reached; the message says which statement. Retryable. */
public final class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
