package org.openhes.headend.api.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.openhes.headend.api.console.Console;
import org.openhes.headend.api.node.Services;
import org.openhes.headend.scheduler.commands.CommandStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API (JSON under /api/v1), health, metrics, the OpenAPI document and the web console
 * ({@link Console}, under /console): the server's life cycle
 * and the route table. Every route names the roles that may call it and the resource that answers it;
 * errors are RFC 9457 problem details ({@link Problems}) naming the field and the reason.
 */
public final class HttpApi implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
    private static final Set<Role> READERS = EnumSet.of(Role.PLATFORM, Role.ENGINEER, Role.OPERATOR, Role.ADMIN);
    private static final Set<Role> ACTORS = EnumSet.of(Role.PLATFORM, Role.ENGINEER, Role.ADMIN);
    private static final Set<Role> OPERATORS = EnumSet.of(Role.OPERATOR, Role.ADMIN);
    private static final Set<Role> ADMINS = EnumSet.of(Role.ADMIN);
    /** Who may subscribe to the feed and move a subscription's cursor. */
    private static final Set<Role> SUBSCRIBERS = EnumSet.of(Role.PLATFORM, Role.ADMIN);
    /** Who may watch deliveries (and resume a dead subscription): the platform and operations. */
    private static final Set<Role> WATCHERS = EnumSet.of(Role.PLATFORM, Role.OPERATOR, Role.ADMIN);

    private final Javalin app;
    private final JobWaiters waiters;

    public HttpApi(Services s) {
        this.waiters = new JobWaiters(s.jobs());
        Authentication auth = new Authentication(s.tokens(), s.throttles());
        ServiceResource service = new ServiceResource(s.dbHealth(), s.worker(), s.metrics());
        DatabaseGate gate = new DatabaseGate(s.dbHealth());
        MeterResource meters = new MeterResource(s.meters(), s.events(), s.clock());
        DailyReadResource dailyReads = new DailyReadResource(s.meters(), s.reads(), s.zone());
        IntervalResource intervals = new IntervalResource(s.meters(), s.intervals(), s.zone());
        OnDemandReadResource reads = new OnDemandReadResource(s.meters(), s.jobs(), s.worker(), s.events(), s.throttles(),
                waiters, s.traces(), s.clock());
        CommandRequests commandRequests = new CommandRequests(s.guard(), s.clock());
        CommandResource commands = new CommandResource(s.meters(), s.commands(), s.events(), s.worker(), s.throttles(), s.clock(), commandRequests);
        BulkCommandResource bulk = new BulkCommandResource(s.meters(), s.commands(), commandRequests, s.events(), s.worker(), s.throttles(), s.clock());
        ReadRunResource readRuns = new ReadRunResource(s.planner(), s.events(), s.worker(), s.clock(), s.zone());
        JobResource jobs = new JobResource(s.jobs(), s.events(), s.worker(), s.clock());
        EventResource events = new EventResource(s.events());
        TokenResource tokens = new TokenResource(s.tokens(), s.events(), s.clock());
        GuardResource guard = new GuardResource(s.guard(), s.meters(), s.events(), s.clock());
        SubscriptionResource subscriptions = new SubscriptionResource(s.delivery().subscriptions(), s.delivery().feed(), s.events(), s.clock(),
                s.delivery().maxBatch(), s.delivery().wake());
        CallbackResource callbacks = new CallbackResource(s.delivery().callbacks(), s.events(), s.clock(), s.delivery().wake());
        FeedResource feed = new FeedResource(s.delivery().feed(), s.delivery().items());
        KeyRenewalResource keyRenewals = new KeyRenewalResource(s.keyCampaigns(), s.meters(), s.events(), s.worker(), s.clock());
        Console console = new Console(s, commands, reads);
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jsonMapper(new JavalinJackson(Json.JSON, false));
            config.http.maxRequestSize = 64L * 1024 * 1024;
            config.requestLogger.http((ctx, ms) -> s.metrics().httpRequest(routeOf(ctx), ctx.method().name(), ctx.statusCode(),
                    Duration.ofNanos((long) (ms * 1_000_000))));
            console.install(config);
            var r = config.routes;
            r.get("/health/live", service::live);
            r.get("/health/ready", service::ready);
            r.get("/metrics", service::metrics);
            r.get("/api/openapi.json", service::openApi);

            r.before("/api/v1/*", gate::admit);

            r.post("/api/v1/meters", auth.guard(ADMINS, meters::create));
            r.post("/api/v1/meters/import", auth.guard(ADMINS, meters::importMeters));
            r.get("/api/v1/meters", auth.guard(READERS, meters::list));
            r.get("/api/v1/meters/{id}", auth.guard(READERS, meters::get));
            r.get("/api/v1/meters/{id}/daily-reads", auth.guard(READERS, dailyReads::meterDailyReads));
            r.get("/api/v1/meters/{id}/intervals", auth.guard(READERS, intervals::meterIntervals));
            r.post("/api/v1/meters/{id}/reads", auth.guard(ACTORS, reads::read));
            r.get("/api/v1/meters/{id}/trace", auth.guard(EnumSet.of(Role.ENGINEER, Role.ADMIN), reads::trace));
            r.post("/api/v1/meters/{id}/commands", auth.guard(ACTORS, commands::submit));
            r.post("/api/v1/commands/bulk", auth.guard(ACTORS, bulk::submit));
            r.get("/api/v1/commands/{id}", auth.guard(READERS, commands::get));
            r.get("/api/v1/daily-reads", auth.guard(EnumSet.of(Role.PLATFORM, Role.OPERATOR, Role.ADMIN), dailyReads::fleetDailyReads));
            r.get("/api/v1/intervals", auth.guard(EnumSet.of(Role.PLATFORM, Role.OPERATOR, Role.ADMIN), intervals::fleetIntervals));
            r.post("/api/v1/read-runs", auth.guard(OPERATORS, readRuns::create));
            r.get("/api/v1/read-runs/{id}", auth.guard(READERS, readRuns::get));
            r.get("/api/v1/jobs", auth.guard(OPERATORS, jobs::list));
            r.post("/api/v1/jobs/{id}/requeue", auth.guard(OPERATORS, jobs::requeue));
            r.get("/api/v1/events", auth.guard(READERS, events::list));
            r.post("/api/v1/tokens", auth.guard(ADMINS, tokens::create));
            r.post("/api/v1/key-renewals", auth.guard(ADMINS, keyRenewals::create));
            r.get("/api/v1/key-renewals", auth.guard(OPERATORS, keyRenewals::list));
            r.get("/api/v1/key-renewals/{id}", auth.guard(OPERATORS, keyRenewals::get));
            r.get("/api/v1/guard/policy", auth.guard(READERS, guard::policy));
            r.put("/api/v1/guard/policy", auth.guard(ADMINS, guard::replacePolicy));
            r.get("/api/v1/meters/{id}/disconnection-holds", auth.guard(READERS, guard::holds));
            r.post("/api/v1/meters/{id}/disconnection-holds", auth.guard(OPERATORS, guard::addHold));
            r.delete("/api/v1/meters/{id}/disconnection-holds/{holdId}", auth.guard(OPERATORS, guard::removeHold));
            r.post("/api/v1/subscriptions", auth.guard(SUBSCRIBERS, subscriptions::create));
            r.get("/api/v1/subscriptions", auth.guard(WATCHERS, subscriptions::list));
            r.get("/api/v1/subscriptions/{id}", auth.guard(WATCHERS, subscriptions::get));
            r.put("/api/v1/subscriptions/{id}/cursor", auth.guard(SUBSCRIBERS, subscriptions::moveCursor));
            r.post("/api/v1/subscriptions/{id}/resume", auth.guard(WATCHERS, subscriptions::resume));
            r.delete("/api/v1/subscriptions/{id}", auth.guard(SUBSCRIBERS, subscriptions::delete));
            r.get("/api/v1/feed", auth.guard(WATCHERS, feed::page));
            r.get("/api/v1/callbacks/dead", auth.guard(WATCHERS, callbacks::dead));
            r.post("/api/v1/callbacks/dead/requeue", auth.guard(WATCHERS, callbacks::requeue));

            r.exception(ApiProblem.class, (e, ctx) -> {
                if (Console.owns(ctx)) console.refused(e, ctx);
                else Problems.refused(e, ctx);
            });
            r.exception(HttpResponseException.class, Problems::server);
            r.exception(CommandStore.IdempotencyConflict.class, Problems::idempotencyConflict);
            r.exception(Exception.class, (e, ctx) -> {
                if (Console.owns(ctx)) console.failed(e, ctx);
                else if (!gate.refuse(e, ctx)) failed(e, ctx);
            });
            r.error(404, "*/*", ctx -> {
                if (Console.owns(ctx)) console.notFound(ctx);
                else Problems.noRoute(ctx);
            });
        });
    }

    public HttpApi start(String host, int port) {
        app.start(host, port);
        return this;
    }

    public int port() {
        return app.port();
    }

    /** Every route served, as "METHOD /path/{param}" (the contract test holds them to openapi.json). */
    public List<String> routes() {
        return app.unsafe.internalRouter.allHttpHandlers().stream().map(p -> p.endpoint)
                .filter(e -> e.method.isHttpMethod())
                .map(e -> e.method.name() + " " + e.path).sorted().toList();
    }

    @Override
    public void close() {
        app.stop();
        waiters.close();
    }

    /** The matched route's template ({id} stays a placeholder), or "unmatched". */
    private static String routeOf(Context ctx) {
        try {
            var endpoint = ctx.endpoint();
            return endpoint == null ? "unmatched" : endpoint.path;
        } catch (RuntimeException noRoute) {
            return "unmatched";
        }
    }

    /** Anything a route did not expect (the database away, a bug): logged, and answered 503. */
    private static void failed(Exception e, Context ctx) {
        log.error("request {} {} failed", ctx.method(), ctx.path(), e);
        Problems.write(ctx, 503, "Service unavailable", "the request could not be completed (" + e.getClass().getSimpleName()
                + "); nothing was lost, try again", null);
    }
}
