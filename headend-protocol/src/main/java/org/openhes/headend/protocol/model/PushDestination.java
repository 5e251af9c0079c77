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

    /**
     * Reads {@code host:port} ({@code [v6-address]:port} for IPv6); the optional values may be null.
     *
     * @throws IllegalArgumentException naming what is wrong when the text is not host:port
     */
    public static PushDestination parse(String hostPort, Integer randomisationSeconds, Integer retries, Integer repetitionDelaySeconds) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1) {
            throw new IllegalArgumentException("destination must be host:port, such as 192.0.2.10:4060 (was " + hostPort + ")");
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        else if (host.indexOf(':') >= 0) throw new IllegalArgumentException("an IPv6 destination is written [address]:port (was " + hostPort + ")");
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the port of destination must be a number (was " + hostPort + ")");
        }
        return new PushDestination(host, port, randomisationSeconds, retries, repetitionDelaySeconds);
    }

    /** The destination as a push setup holds it: {@code host:port}, an IPv6 address in brackets. */
    public String address() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** What is wrong with the values, starting with the value's name (host, port, ...), or null when they can be written. */
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
