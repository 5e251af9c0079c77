package org.openhes.headend.api.console;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.staticfiles.Location;
import java.util.EnumSet;
import java.util.Set;
import org.openhes.headend.api.http.ApiProblem;
import org.openhes.headend.api.http.CommandResource;
import org.openhes.headend.api.http.OnDemandReadResource;
import org.openhes.headend.api.http.Role;
import org.openhes.headend.api.node.Services;
import org.openhes.headend.scheduler.console.FleetOverview;
import org.openhes.headend.scheduler.console.MeterActivity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web console under /console, served by the head-end itself: the route table (who may open what),
 * the security headers of every page (a strict Content-Security-Policy: scripts and styles from this
 * server only, no inline code), and the error page. Pages are rendered on the server; the little
 * script there is refreshes live panels and draws the charts.
 */
public final class Console {
    private static final Logger log = LoggerFactory.getLogger(Console.class);
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    private static final Set<Role> EVERYONE = EnumSet.of(Role.OPERATOR, Role.ENGINEER, Role.ADMIN);
    private static final Set<Role> ACTORS = EnumSet.of(Role.ENGINEER, Role.ADMIN);
    private static final Set<Role> OPERATORS = EnumSet.of(Role.OPERATOR, Role.ADMIN);
    private static final Set<Role> ADMINS = EnumSet.of(Role.ADMIN);

    private final ConsoleAuth auth;
    private final Views views = new Views();
    private final Frames frames = new Frames();
    private final OperationsPages operations;
    private final MeterPages meters;
    private final MeterActions actions;
    private final ChartData charts;
    private final AdminPages admin;

    public Console(Services s, CommandResource commands, OnDemandReadResource reads) {
        this.auth = new ConsoleAuth(s.consoleSessions(), s.tokens(), s.throttles());
        this.operations = new OperationsPages(new FleetOverview(s.db().dataSource(), s.clock(), s.zone()), s.jobs(), s.worker(), s.events(),
                s.metrics(), s.keyCampaigns(), s.clock(), s.zone(), views, frames);
        this.meters = new MeterPages(s.meters(), new MeterActivity(s.db().dataSource()), s.reads(), s.events(), s.clock(), s.zone(), views, frames);
        this.actions = new MeterActions(meters, commands, reads, s.jobs(), s.traces(), new TraceRows(s.zone()), s.keyCampaigns(),
                s.events(), s.clock(), views, frames);
        this.charts = new ChartData(s.reads(), s.intervals(), s.clock(), s.zone());
        this.admin = new AdminPages(s.tokens(), s.meters(), s.events(), s.clock(), s.zone(), views, frames);
    }

    /** Adds the console's routes, assets and headers to the server's configuration. */
    public void install(JavalinConfig config) {
        config.staticFiles.add(sf -> {
            sf.hostedPath = "/console/assets";
            sf.directory = "/console-assets";
            sf.location = Location.CLASSPATH;
        });
        config.staticFiles.enableWebjars();
        var r = config.routes;
        r.before("/console/*", Console::headers);
        r.before("/console", Console::headers);
        r.get("/console", ctx -> ctx.redirect("/console/operations", HttpStatus.SEE_OTHER));
        r.get("/console/sign-in", this::signInPage);
        r.post("/console/sign-in", this::signIn);
        r.post("/console/sign-out", auth.page(EVERYONE, (ctx, c) -> {
            auth.signOut(ctx);
            ctx.redirect("/console/sign-in", HttpStatus.SEE_OTHER);
        }));
        r.get("/console/operations", auth.page(EVERYONE, operations::page));
        r.get("/console/operations/live", auth.page(EVERYONE, operations::live));
        r.post("/console/jobs/{id}/requeue", auth.page(OPERATORS, operations::requeue));
        r.get("/console/meters", auth.page(EVERYONE, meters::search));
        r.get("/console/meters/{id}", auth.page(EVERYONE, meters::page));
        r.get("/console/meters/{id}/state", auth.page(EVERYONE, meters::state));
        r.get("/console/meters/{id}/chart.json", auth.page(EVERYONE, (ctx, c) -> charts.json(ctx, meters.meterOr404(ctx))));
        r.post("/console/meters/{id}/reads", auth.page(ACTORS, actions::readNow));
        r.get("/console/meters/{id}/reads/{job}", auth.page(ACTORS, actions::readPage));
        r.get("/console/meters/{id}/reads/{job}/status", auth.page(ACTORS, actions::readStatus));
        r.post("/console/meters/{id}/commands/confirm", auth.page(ACTORS, actions::confirm));
        r.post("/console/meters/{id}/commands", auth.page(ACTORS, actions::submit));
        r.post("/console/meters/{id}/keys/confirm", auth.page(ADMINS, actions::confirmRenewal));
        r.post("/console/meters/{id}/keys", auth.page(ADMINS, actions::renew));
        r.get("/console/admin/tokens", auth.page(ADMINS, admin::tokens));
        r.post("/console/admin/tokens", auth.page(ADMINS, admin::create));
        r.post("/console/admin/tokens/{id}/revoke", auth.page(ADMINS, admin::revoke));
        r.get("/console/admin/import", auth.page(ADMINS, admin::importForm));
        r.post("/console/admin/import", auth.page(ADMINS, admin::importCsv));
    }

    /** Whether a request is the console's (its errors are pages, not problem documents). */
    public static boolean owns(Context ctx) {
        return ctx.path().equals("/console") || ctx.path().startsWith("/console/");
    }

    public record SignInView(Frame frame, String next, String problem) {
    }

    public record ErrorView(Frame frame, int status, String title, String detail) {
    }

    private void signInPage(Context ctx) {
        views.render(ctx, "sign_in.jte", new SignInView(frames.of(ctx, "Sign in", null, "sign-in"), next(ctx.queryParam("next")), null));
    }

    private void signIn(Context ctx) {
        String next = next(ctx.formParam("next"));
        try {
            auth.signIn(ctx, ctx.formParam("token"));
        } catch (ApiProblem refused) {
            ctx.status(refused.status());
            views.render(ctx, "sign_in.jte", new SignInView(frames.of(ctx, "Sign in", null, "sign-in"), next, refused.getMessage()));
            return;
        }
        ctx.redirect(next, HttpStatus.SEE_OTHER);
    }

    /** Where to go after signing in: a console path only (never another site). */
    private static String next(String wanted) {
        return wanted != null && wanted.startsWith("/console/") && !wanted.startsWith("//") && !wanted.contains("\\") ? wanted : "/console/operations";
    }

    private static void headers(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "same-origin");
        if (!ctx.path().startsWith("/console/assets/")) ctx.header("Cache-Control", "no-store");
    }

    /** A refusal as a page saying what was wrong and what to do. */
    public void refused(ApiProblem p, Context ctx) {
        ctx.status(p.status());
        views.render(ctx, "error.jte", new ErrorView(frames.of(ctx, p.title(), auth.caller(ctx).orElse(null), "error"), p.status(), p.title(), p.getMessage()));
    }

    /** No such console page (a page that answered 404 itself keeps its own). */
    public void notFound(Context ctx) {
        if (ctx.resultInputStream() != null) return;
        views.render(ctx, "error.jte", new ErrorView(frames.of(ctx, "Not found", auth.caller(ctx).orElse(null), "error"), 404, "Not found",
                "there is no console page " + ctx.path()));
        ctx.status(404);
    }

    /** Anything unexpected (the database away, a bug): logged, and a page saying nothing was changed by it. */
    public void failed(Exception e, Context ctx) {
        log.error("console request {} {} failed", ctx.method(), ctx.path(), e);
        ctx.status(503);
        views.render(ctx, "error.jte", new ErrorView(new Frame("Unavailable", null, "error", null, null), 503, "Service unavailable",
                "the page could not be completed (" + e.getClass().getSimpleName() + "); try again in a moment"));
    }
}
