package org.openhes.headend.api.http;

import io.javalin.http.Context;
import org.openhes.headend.scheduler.db.DatabaseHealth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests that need the database (all of /api/v1) while the node knows it is away: refused at once
 * with 503 and Retry-After instead of waiting for a connection that will not come. A request that
 * finds the database away first tells {@link DatabaseHealth}, so the ones after it are refused at once too.
 * The answer does not say why (that would show the database's address to any caller); the log does.
 */
final class DatabaseGate {
    private static final Logger log = LoggerFactory.getLogger(DatabaseGate.class);

    private final DatabaseHealth health;

    DatabaseGate(DatabaseHealth health) {
        this.health = health;
    }

    /** Before a route: refuse it when the database is away. */
    void admit(Context ctx) {
        DatabaseHealth.State s = health.state();
        if (!s.up()) throw unavailable(s);
    }

    /** After a route failed: true (and answered) when it failed because the database is away. */
    boolean refuse(Exception e, Context ctx) {
        if (!health.reportFailure(e)) return false;
        log.warn("request {} {} failed: the database is away ({})", ctx.method(), ctx.path(), health.state().problem());
        Problems.refused(unavailable(health.state()), ctx);
        return true;
    }

    private ApiProblem unavailable(DatabaseHealth.State s) {
        return new ApiProblem(503, "Database unavailable", "the database has not answered since " + s.since()
                + " (the node's log says why); nothing was done, try again after Retry-After", null, (int) Math.max(1, health.retryAfter().toSeconds()));
    }
}
