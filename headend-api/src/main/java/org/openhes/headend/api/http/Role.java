package org.openhes.headend.api.http;

import io.javalin.security.RouteRole;

/** Who may call what. {@link #ADMIN} may do everything. */
public enum Role implements RouteRole {
    /** The prepayment platform: commands and reads. */
    PLATFORM,
    /** Field engineers: one-meter reads and commands. */
    ENGINEER,
    /** Operations: read-only views, read runs, re-queue dead jobs. */
    OPERATOR,
    /** Meters, keys, tokens. */
    ADMIN
}
