package org.openhes.headend.interop.meter;

import java.util.HashMap;
import java.util.Map;
import org.openhes.headend.interop.front.CounterCheck;

/**
 * The last invocation counter the meter accepted from each client SAP. A ciphered APDU is accepted
 * only if its counter is above that value; 0 means nothing accepted yet, so the first counter must
 * be at least 1. The invocation counter object (0-0:43.1.0.255) reports the last accepted value of
 * the management client, not the next expected one.
 */
public final class InvocationCounters implements CounterCheck {
    private final Map<Integer, Long> lastAccepted = new HashMap<>();
    private int refusals;
    private long lastRefused = -1;

    /** Takes {@code counter} if it is above the last accepted one; false means the APDU must be dropped. */
    @Override
    public synchronized boolean accept(int clientSap, long counter) {
        if (counter <= lastAccepted(clientSap)) {
            refusals++;
            lastRefused = counter;
            return false;
        }
        lastAccepted.put(clientSap, counter);
        return true;
    }

    public synchronized long lastAccepted(int clientSap) {
        return lastAccepted.getOrDefault(clientSap, 0L);
    }

    /** For tests that start the meter with a counter history (e.g. a head-end behind the meter). */
    public synchronized void setLastAccepted(int clientSap, long counter) {
        lastAccepted.put(clientSap, counter);
    }

    /** How many ciphered APDUs were dropped for a counter not above the last accepted one. */
    public synchronized int refusals() {
        return refusals;
    }

    /** The counter of the last dropped APDU, -1 if none. */
    public synchronized long lastRefused() {
        return lastRefused;
    }
}
