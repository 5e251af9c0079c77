package org.openhes.headend.api.console;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.openhes.headend.api.http.ApiProblem;
import org.openhes.headend.api.http.Role;
import org.openhes.headend.api.http.Throttles;
import org.openhes.headend.api.http.Tokens;
import org.openhes.headend.scheduler.console.ConsoleSessionStore;

/**
 * Sign-in with an API token, then a session cookie (HttpOnly, SameSite=Strict, Secure over HTTPS);
 * every page checks the session and the token's current role, every form post its anti-forgery token
 * and, when the browser sends one, its Origin. The platform's tokens are for machines: they do not sign in.
 */
final class ConsoleAuth {
    static final String COOKIE = "hes_console";
    static final Duration SESSION = Duration.ofHours(8);
    static final Set<Role> CONSOLE_ROLES = Set.of(Role.OPERATOR, Role.ENGINEER, Role.ADMIN);

    /** A console page or action, told who is signed in. */
    @FunctionalInterface
    interface Page {
        void handle(Context ctx, Caller caller) throws Exception;
    }

    private final ConsoleSessionStore sessions;
    private final Tokens tokens;
    private final Throttles throttles;

    ConsoleAuth(ConsoleSessionStore sessions, Tokens tokens, Throttles throttles) {
        this.sessions = sessions;
        this.tokens = tokens;
        this.throttles = throttles;
    }

    /** The caller of a signed-in request, or empty. */
    Optional<Caller> caller(Context ctx) {
        return sessions.find(ctx.cookie(COOKIE)).map(s -> new Caller(s.tokenName(), Role.valueOf(s.role().toUpperCase(Locale.ROOT)), s.csrf()));
    }

    /**
     * A page for {@code allowed} roles: without a session a GET goes to the sign-in page (and back
     * after it), anything else is refused 401; a post must carry the session's anti-forgery token.
     */
    Handler page(Set<Role> allowed, Page page) {
        return ctx -> {
            Optional<Caller> found = caller(ctx).filter(c -> CONSOLE_ROLES.contains(c.role()));
            if (found.isEmpty()) {
                if (ctx.method().name().equals("GET")) {
                    ctx.redirect("/console/sign-in?next=" + java.net.URLEncoder.encode(ctx.path(), StandardCharsets.UTF_8), io.javalin.http.HttpStatus.SEE_OTHER);
                    return;
                }
                throw new ApiProblem(401, "Not signed in", "your console session has ended or was never opened; sign in again", null);
            }
            Caller caller = found.get();
            if (!ctx.method().name().equals("GET")) checkForm(ctx, caller.csrf());
            if (!allowed.contains(caller.role())) {
                throw new ApiProblem(403, "Not allowed", "the " + caller.roleName() + " role may not use " + ctx.path(), null);
            }
            page.handle(ctx, caller);
        };
    }

    /**
     * Opens a session for the token typed in: refused (and counted against the address) when the token
     * is unknown, refused when it is a platform token.
     */
    ConsoleSessionStore.Opened signIn(Context ctx, String token) {
        checkOrigin(ctx);
        throttles.checkAuthAllowed(ctx.ip());
        Role role = token == null || token.isBlank() ? null : tokens.roleOf(token.trim()).orElse(null);
        if (role == null) {
            if (token != null && !token.isBlank()) throttles.authFailed(ctx.ip());
            throw new ApiProblem(401, "Sign-in refused", "that token is not valid; check it was copied whole (it starts with hes_)", "token");
        }
        if (!CONSOLE_ROLES.contains(role)) {
            throw new ApiProblem(403, "Sign-in refused", "a " + role.name().toLowerCase(Locale.ROOT)
                    + " token is for machines; sign in with an operator, engineer or admin token", "token");
        }
        ConsoleSessionStore.Opened opened = sessions.open(Tokens.hash(token.trim()), SESSION);
        ctx.header("Set-Cookie", COOKIE + "=" + opened.id() + "; Path=/console; Max-Age=" + SESSION.toSeconds()
                + "; HttpOnly; SameSite=Strict" + (secure(ctx) ? "; Secure" : ""));
        return opened;
    }

    void signOut(Context ctx) {
        sessions.close(ctx.cookie(COOKIE));
        ctx.header("Set-Cookie", COOKIE + "=; Path=/console; Max-Age=0; HttpOnly; SameSite=Strict" + (secure(ctx) ? "; Secure" : ""));
    }

    /** The form's anti-forgery token must be the session's (compared in constant time), and the Origin ours. */
    private static void checkForm(Context ctx, String expected) {
        checkOrigin(ctx);
        String sent = ctx.formParam("csrf");
        if (sent == null || !MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8))) {
            throw new ApiProblem(403, "Form refused", "the form's anti-forgery token is missing or out of date; reload the page and try again", "csrf");
        }
    }

    /** A browser's Origin header, when sent, must name this host: a form posted from another site is refused. */
    private static void checkOrigin(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null) return; // not a browser's cross-site post; the anti-forgery token still applies
        String host = ctx.header("Host");
        String originHost;
        try {
            originHost = URI.create(origin).getAuthority();
        } catch (IllegalArgumentException e) {
            originHost = null;
        }
        if (host == null || !host.equalsIgnoreCase(originHost)) {
            throw new ApiProblem(403, "Form refused", "the form was posted from " + origin + ", not from this console", "Origin");
        }
    }

    private static boolean secure(Context ctx) {
        return "https".equalsIgnoreCase(ctx.scheme()) || "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto"));
    }
}
