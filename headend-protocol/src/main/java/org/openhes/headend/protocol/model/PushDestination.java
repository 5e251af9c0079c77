package org.openhes.headend.protocol.model;

import java.util.Objects;

/**
 * Where and how a meter's push setup (interface class 40) sends its pushes: TCP to {@code host:port}
 * (the head-end's push listener), an A-XDR encoded xDLMS APDU, and optionally the retry behaviour of
 * the push. A null optional value leaves the meter's own setting as it is.
 *
 * @param host                   the listener's IPv4 address, IPv6 address or host name
 * @param port                   its TCP port (1..65535)
 * @param randomisationSeconds   randomisation_start_interval (attribute 5), 0..65535 s
 * @param retries                number_of_retries (attribute 6), 0..255
 * @param repetitionDelaySeconds repetition_delay (attribute 7), 0..65535 s
 */
public record PushDestination(String host, int port, Integer randomisationSeconds, Integer retries, Integer repetitionDelaySeconds) {
    public static final int MAX_SECONDS = 65_535, MAX_RETRIES = 255;

    public PushDestination {
        Objects.requireNonNull(host, "host");
    }

    /** The destination as a push setup holds it: {@code host:port}, an IPv6 address in brackets. */
    public String address() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** What is wrong with the values, or null when they can be written. */
    public String problem() {
        if (!host.matches("[A-Za-z0-9.:-]{1,200}") || host.startsWith("-")) return "host must be an IP address or a host name (was " + host + ")";
        if (port < 1 || port > 65_535) return "port must be from 1 to 65535 (was " + port + ")";
        if (outside(randomisationSeconds, MAX_SECONDS)) return "randomisationSeconds must be from 0 to " + MAX_SECONDS;
        if (outside(retries, MAX_RETRIES)) return "retries must be from 0 to " + MAX_RETRIES;
        if (outside(repetitionDelaySeconds, MAX_SECONDS)) return "repetitionDelaySeconds must be from 0 to " + MAX_SECONDS;
        return null;
    }

    private static boolean outside(Integer v, int max) {
        return v != null && (v < 0 || v > max);
    }
}
