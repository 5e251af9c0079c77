package org.openhes.headend.protocol.model;

import java.util.Objects;
import org.openhes.headend.protocol.MeterEndpoint;

/**
 * Everything needed to open a session with one meter.
 *
 * @param meterId  the meter's identifier (EAN) or, for ad-hoc sessions, its address
 * @param endpoint address, transport, SAPs
 * @param security authentication and keys
 * @param profile  where the meter keeps its objects
 * @param group    the throttling group (e.g. its cell or concentrator), or null
 */
public record MeterTarget(String meterId, MeterEndpoint endpoint, MeterSecurity security, MeterProfile profile, String group) {
    public MeterTarget(String meterId, MeterEndpoint endpoint, MeterSecurity security, MeterProfile profile) {
        this(meterId, endpoint, security, profile, null);
    }

    public MeterTarget {
        Objects.requireNonNull(meterId, "meterId");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(security, "security");
        Objects.requireNonNull(profile, "profile");
    }

    /** {@code id@host:port}, as failures name the meter. */
    public String label() {
        return meterId.equals(endpoint.hostAndPort()) ? meterId : meterId + "@" + endpoint.hostAndPort();
    }
}
