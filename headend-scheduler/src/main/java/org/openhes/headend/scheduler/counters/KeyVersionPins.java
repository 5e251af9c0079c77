package org.openhes.headend.scheduler.counters;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Which key version a meter's sessions use on this node when it is not the active one: a key renewal
 * pins the pending version while it opens an association with it, so that the invocation counters
 * reserved for that session are the pending key's own ({@link InvocationCounters}). One session per
 * meter runs at a time, so a pin belongs to the renewal that set it.
 */
public final class KeyVersionPins {
    private final ConcurrentHashMap<String, Integer> pinned = new ConcurrentHashMap<>();

    public void pin(String meterId, int version) {
        pinned.put(meterId, version);
    }

    public void unpin(String meterId) {
        pinned.remove(meterId);
    }

    /** The pinned version, or null: the meter's active one. */
    public Integer of(String meterId) {
        return pinned.get(meterId);
    }
}
