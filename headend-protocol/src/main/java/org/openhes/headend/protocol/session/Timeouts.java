package org.openhes.headend.protocol.session;

import java.time.Duration;

/**
 * @param connect  TCP connect
 * @param response one request to its complete answer
 * @param session  a whole session, from connect to release
 */
public record Timeouts(Duration connect, Duration response, Duration session) {
    public static Timeouts defaults() {
        return new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(3));
    }
}
