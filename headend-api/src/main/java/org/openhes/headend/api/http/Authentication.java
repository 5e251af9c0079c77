package org.openhes.headend.api.http;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.Locale;
import java.util.Set;

/**
 * Who is calling: the bearer token's role, checked against the roles a route allows. An address that
 * sent too many bad tokens is refused with 429 before its token is looked at ({@link Throttles}).
 */
final class Authentication {
    /** A route's handler, told who calls (the role's name in lower case, as the audit trail records it). */
    @FunctionalInterface
    interface Route {
        void handle(Context ctx, String caller) throws Exception;
    }

    private final Tokens tokens;
    private final Throttles throttles;

    Authentication(Tokens tokens, Throttles throttles) {
        this.tokens = tokens;
        this.throttles = throttles;
    }

    /** Checks the bearer token: 401 without a valid one, 403 when its role may not call this route. */
    Handler guard(Set<Role> allowed, Route route) {
        return ctx -> {
            String header = ctx.header("Authorization");
            String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
            throttles.checkAuthAllowed(ctx.ip());
            Role role = token == null ? null : tokens.roleOf(token).orElse(null);
            if (role == null) {
                if (token != null) throttles.authFailed(ctx.ip());
                ctx.header("WWW-Authenticate", "Bearer");
                throw new ApiProblem(401, "Unauthorized", token == null ? "send Authorization: Bearer <token>" : "the token is not valid", null);
            }
            if (!allowed.contains(role)) {
                throw new ApiProblem(403, "Forbidden", "role " + role.name().toLowerCase(Locale.ROOT) + " may not "
                        + ctx.method() + " " + ctx.path(), null);
            }
            route.handle(ctx, role.name().toLowerCase(Locale.ROOT));
        };
    }
}
