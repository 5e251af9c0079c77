package org.openhes.headend.protocol.model;

/**
 * How a profile's buffer is read: by a range of capture times (selective access selector 1), or by
 * entry numbers (selector 2) for meters that offer only that. A meter that refuses a range read is
 * read by entry from then on, whatever its profile says.
 */
public enum ProfileAccess {
    RANGE, ENTRY
}
