package org.openhes.headend.protocol.model;

/**
 * How a remote command ended once the state was read back from the meter.
 * {@link #READY_FOR_RECONNECTION} is a reconnect the meter accepted but the customer must finish by
 * pressing the button: the supply is still off.
 */
public enum CommandOutcome {
    SUCCEEDED, READY_FOR_RECONNECTION, NOT_APPLIED
}
