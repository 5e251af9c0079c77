package org.openhes.headend.api.node;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.nio.charset.StandardCharsets;
import org.openhes.headend.api.callbacks.CallbackSigner;
import org.openhes.headend.api.callbacks.DeliveryLoop;
import org.openhes.headend.api.http.FeedItems;
import org.openhes.headend.scheduler.delivery.CallbackOutbox;
import org.openhes.headend.scheduler.delivery.DeliverySettings;
import org.openhes.headend.scheduler.delivery.FeedStore;
import org.openhes.headend.scheduler.delivery.SubscriptionStore;
import org.openhes.headend.api.config.HeadendConfig;
import org.openhes.headend.api.http.CommandResource;
import org.openhes.headend.api.http.HttpApi;
import org.openhes.headend.api.http.Role;
import org.openhes.headend.api.http.Throttles;
import org.openhes.headend.api.http.Tokens;
import org.openhes.headend.api.jobs.BatchWriter;
import org.openhes.headend.api.jobs.KeyRenewal;
import org.openhes.headend.api.jobs.MeterJobs;
import org.openhes.headend.scheduler.counters.KeyVersionPins;
import org.openhes.headend.api.metrics.HeadendMetrics;
import org.openhes.headend.protocol.model.MeterProfiles;
import org.openhes.headend.scheduler.guard.Guard;
import org.openhes.headend.scheduler.guard.GuardStore;
import org.openhes.headend.protocol.pool.PoolSettings;
import org.openhes.headend.protocol.push.PushListener;
import org.openhes.headend.protocol.pool.SessionPool;
import org.openhes.headend.protocol.session.MeterClient;
import org.openhes.headend.protocol.session.MeterMetadataCache;
import org.openhes.headend.protocol.session.Timeouts;
import org.openhes.headend.protocol.transport.MeterConnector;
import org.openhes.headend.protocol.transport.NettyIo;
import org.openhes.headend.scheduler.commands.CommandStore;
import org.openhes.headend.scheduler.counters.InvocationCounters;
import org.openhes.headend.scheduler.db.Database;
import org.openhes.headend.scheduler.db.DatabaseHealth;
import org.openhes.headend.scheduler.db.DatabaseSettings;
import org.openhes.headend.scheduler.events.EventStore;
import org.openhes.headend.scheduler.jobs.JobListener;
import org.openhes.headend.scheduler.jobs.JobQueue;
import org.openhes.headend.scheduler.jobs.JobWorker;
import org.openhes.headend.scheduler.jobs.RetryPolicy;
import org.openhes.headend.scheduler.jobs.WorkerSettings;
import org.openhes.headend.scheduler.keys.KeyVault;
import org.openhes.headend.scheduler.keys.MasterKeyRing;
import org.openhes.headend.scheduler.meters.MeterRegistry;
import org.openhes.headend.scheduler.plans.ReadPlanner;
import org.openhes.headend.scheduler.reads.IndexRead;
import org.openhes.headend.scheduler.reads.ReadStore;
import org.openhes.headend.scheduler.reads.IntervalStore;
import org.openhes.headend.scheduler.reads.StoredInterval;
import org.openhes.headend.api.jobs.EventLogCollection;
import org.openhes.headend.api.jobs.IntervalCollection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One head-end node, wired in one place: database → stores → connection pool and session layer →
 * job handlers → worker → daily plan trigger → HTTP API and metrics. {@link #close()} stops them in
 * the reverse order, letting running sessions finish.
 */
public final class HeadendNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HeadendNode.class);

    private final HeadendConfig config;
    private final InstantSource clock;
    private final Database db;
    private final DatabaseHealth dbHealth;
    private final ExecutorService dbExecutor;
    private final MeterConnector connector;
    private final SessionPool pool;
    private final BatchWriter<IndexRead> readWriter;
    private final BatchWriter<StoredInterval> intervalWriter;
    private final JobWorker worker;
    private final ScheduledExecutorService ticker;
    private final DeliveryLoop delivery;
    private final HttpApi api;
    private final Services services;
    private final MeterClient client;
    private final MeterDirectory directory;
    private final DbInvocationCounterStore counterStore;
    private final KeyVault vault;
    private PushListener push;

    /** Flushers of the read writer: one gathers the next batch while the other waits on PostgreSQL (README "Performance"). */
    public static final int READ_WRITER_FLUSHERS = 2;

    /** The writer that stores the reads of all sessions in batches (also used by the scheduler benchmark). */
    public static BatchWriter<IndexRead> readWriter(ReadStore reads, int flushers) {
        return new BatchWriter<>("read-writer", reads::store, 5000, Duration.ofMillis(100), flushers);
    }

    /** What the meter import says of a profile name this node does not know (null when it knows it). */
    public static String profileProblem(MeterProfiles profiles, String name) {
        return profiles.knows(name) ? null : "unknown meter profile " + name + " (known: " + String.join(", ", profiles.names())
                + "; more are loaded from profiles.dir)";
    }

    private HeadendNode(HeadendConfig config, InstantSource clock) {
        this.config = config;
        this.clock = clock;
        this.db = Database.open(new DatabaseSettings(config.dbUrl(), config.dbUser(), config.dbPassword(),
                config.dataDir().resolve("postgres"), config.dbPool(), config.dbConnectTimeout()));
        this.dbHealth = DatabaseHealth.start(db::openProbe, clock, config.dbHealthInterval(), Duration.ofSeconds(1));
        KeyVault vault = new KeyVault(db.dataSource(), MasterKeyRing.from(config.masterKey(), config.masterKeyFile()));
        this.vault = vault;
        // profiles first: a bad profile file stops the start before anything else runs
        MeterProfiles profiles = MeterProfiles.load(config.profilesDir());
        MeterRegistry meters = new MeterRegistry(db.dataSource(), vault, name -> profileProblem(profiles, name));
        InvocationCounters counters = new InvocationCounters(db.dataSource());
        ReadStore reads = new ReadStore(db.dataSource(), clock);
        IntervalStore intervals = new IntervalStore(db.dataSource(), clock);
        JobQueue jobs = new JobQueue(db.dataSource(), clock, new RetryPolicy(config.retryBase(), config.retryMax()));
        CommandStore commands = new CommandStore(db.dataSource(), jobs, clock);
        ReadPlanner planner = new ReadPlanner(db.dataSource());
        EventStore events = new EventStore(db.dataSource());
        Tokens tokens = new Tokens(db.dataSource());
        if (config.adminToken() != null) tokens.register(config.adminToken(), "admin (HEADEND_ADMIN_TOKEN)", Role.ADMIN);

        HeadendMetrics metrics = new HeadendMetrics(clock);
        try {
            db.hikari().setMetricRegistry(metrics.registry());
        } catch (RuntimeException e) {
            log.debug("HikariCP metrics not bound: {}", e.getMessage());
        }
        AtomicInteger n = new AtomicInteger();
        this.dbExecutor = Executors.newFixedThreadPool(Math.max(2, config.dbPool() / 2), r -> daemon(r, "db-" + n.incrementAndGet()));

        this.connector = new MeterConnector(NettyIo.choose(config.ioTransport()), config.ioThreads(), MeterConnector.DEFAULT_MAX_FRAME, clock);
        this.pool = new SessionPool(new PoolSettings(config.poolMaxSessions(), config.poolPerHost(), config.poolNewPerSecond(),
                config.poolMaxWaiting(), config.poolPerGroup(), config.poolUrgentReserve()));
        metrics.bindPool(pool::active, pool::waiting, pool.maxSessions());
        KeyVersionPins pins = new KeyVersionPins();
        this.counterStore = new DbInvocationCounterStore(counters, pins, dbExecutor);
        this.client = new MeterClient(connector, pool, counterStore, new MeterMetadataCache(),
                new Timeouts(config.connectTimeout(), config.responseTimeout(), config.sessionTimeout()), clock, metrics);
        this.directory = new MeterDirectory(meters, vault, config.clientSystemTitle(), config.poolGroupLabel(), profiles);
        this.readWriter = readWriter(reads, READ_WRITER_FLUSHERS);
        Guard guard = new Guard(new GuardStore(db.dataSource()), config.zone(), clock);
        this.intervalWriter = config.loadProfileEnabled() ? IntervalCollection.writer(intervals) : null;
        IntervalCollection collection = config.loadProfileEnabled()
                ? new IntervalCollection(intervals, intervalWriter, clock, config.zone(), config.loadProfileCatchUpDays()) : null;
        EventLogCollection logCollection = config.eventLogsEnabled()
                ? new EventLogCollection(events, dbExecutor, clock, config.zone(), config.loadProfileCatchUpDays()) : null;
        MeterJobs handler = new MeterJobs(directory, client, reads, readWriter, dbExecutor, clock, config.zone(), config.catchUpDays(), guard,
                collection, logCollection);
        handler.keyRenewal(new KeyRenewal(meters, vault, directory, client, pins, counters, events, dbExecutor, clock,
                config.keyRenewal().hook(), InvocationCounters.LIMIT - config.keyRenewal().counterThreshold()));
        // A meter clock off by more than clock.max.drift is reported as an event and set by a CLOCK_SYNC job.
        handler.onClockDrift((meterId, drift) -> {
            if (drift.abs().compareTo(config.clockMaxDrift()) <= 0) return;
            metrics.clockDrift();
            dbExecutor.execute(() -> {
                try {
                    events.record(meterId, "CLOCK_DRIFT", clock.instant(), "{\"driftSeconds\":" + drift.toSeconds() + "}");
                    jobs.enqueue(new JobQueue.NewJob(org.openhes.headend.scheduler.jobs.JobType.CLOCK_SYNC, meterId, "{}", clock.instant(),
                            clock.instant().plus(Duration.ofHours(12)), null, null));
                } catch (RuntimeException e) {
                    log.warn("clock drift of {} not recorded: {}", meterId, e.getMessage());
                }
            });
        });

        String secret = config.callbackSecret() != null ? config.callbackSecret() : randomSecret();
        DeliverySettings deliverySettings = config.delivery();
        FeedStore feed = new FeedStore(db.dataSource());
        SubscriptionStore subscriptions = new SubscriptionStore(db.dataSource(), clock, deliverySettings);
        FeedItems feedItems = new FeedItems(reads, events, commands, intervals);
        CallbackOutbox callbacks = new CallbackOutbox(db.dataSource(), clock, deliverySettings);
        this.delivery = new DeliveryLoop(callbacks, subscriptions, feed, commands,
                CommandResource::commandJson, feedItems::render, new CallbackSigner(secret.getBytes(StandardCharsets.UTF_8)), metrics,
                deliverySettings, config.nodeId(), clock);
        JobListener listener = (job, result, finish) -> {
            metrics.finished(job, result, finish);
            if (job.commandId() != null && finish != JobQueue.Finish.RETRY && finish != JobQueue.Finish.LEASE_LOST) delivery.wake();
        };
        // urgent jobs may run beyond the bulk room as many at once as the pool keeps slots for them
        this.worker = new JobWorker(jobs, handler, listener, new WorkerSettings(config.nodeId(), config.workerMaxInFlight(),
                config.workerClaimBatch(), config.workerPoll(), config.workerLease(),
                Math.max(WorkerSettings.defaultUrgentRoom(config.workerMaxInFlight()), config.poolUrgentReserve())));
        Throttles throttles = new Throttles(config.apiMaxQueued(), jobs::countQueuedUrgent, 20);
        this.services = new Services(db, dbHealth, meters, reads, commands, jobs, planner, events, tokens, metrics, worker, clock, config.zone(), throttles,
                handler.traces(), guard, intervals, new org.openhes.headend.scheduler.console.ConsoleSessionStore(db.dataSource(), clock),
                new org.openhes.headend.scheduler.keys.KeyCampaignStore(db.dataSource(), clock),
                new Services.Delivery(feed, subscriptions, callbacks, feedItems, deliverySettings.maxBatch(), this.delivery::wake));
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "ticker"));
        this.api = new HttpApi(services);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static String randomSecret() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    /** Opens the database, starts the workers, the plan trigger and the HTTP API. */
    public static HeadendNode start(HeadendConfig config, InstantSource clock) {
        HeadendNode node = new HeadendNode(config, clock);
        try {
            node.worker.start();
            node.delivery.start();
            node.ticker.scheduleWithFixedDelay(node::refreshMetrics, 0, 10, TimeUnit.SECONDS);
            node.ticker.scheduleWithFixedDelay(node::purgeConsoleSessions, 1, 10, TimeUnit.MINUTES);
            if (config.keyRenewal().autoEnabled()) {
                long every = Math.max(100, config.keyRenewal().autoEvery().toMillis());
                node.ticker.scheduleWithFixedDelay(node::renewNearlyExhaustedKeys, every, every, TimeUnit.MILLISECONDS);
            }
            if (config.readPlanEnabled()) node.schedulePlans();
            if (config.pushPort() >= 0) node.startPushListener();
            node.api.start(config.httpHost(), config.httpPort());
            log.info("head-end node {} up ({} transport): {}", config.nodeId(), node.connector.io().name(), config);
            return node;
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
    }

    /** Alarms pushed by meters: decoded with the sender's keys, stored as events, counted. */
    private void startPushListener() {
        var meters = services.meters();
        PushListener.KeyResolver keys = title -> meters.findBySystemTitle(java.util.HexFormat.of().formatHex(title))
                .flatMap(m -> vault.load(m.id()).filter(s -> s.ek() != null && s.ak() != null)
                        .map(s -> new PushListener.PushKeys(m.id(), s.ek(), s.ak())));
        PushListener.Sink sink = new PushListener.Sink() {
            @Override
            public void accept(PushListener.PushEvent e) {
                services.metrics().pushEvent("data_notification");
                try {
                    services.events().record(e.meterId() == null ? "unknown" : e.meterId(), "PUSH", e.receivedAt(),
                            new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(java.util.Map.of("values", e.values())));
                } catch (Exception ex) {
                    log.warn("a push from {} could not be stored: {}", e.systemTitle(), ex.getMessage());
                }
            }

            @Override
            public void rejected(String from, String reason) {
                services.metrics().pushEvent("rejected");
                log.warn("push from {} rejected: {}", from, reason);
            }
        };
        try {
            push = PushListener.start(connector, new java.net.InetSocketAddress(config.httpHost(), config.pushPort()), keys, sink,
                    dbExecutor, clock);
            log.info("push listener on port {}", push.port());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the push listener", e);
        }
    }

    /** The push listener's port, or -1 when it is off. */
    public int pushPort() {
        return push == null ? -1 : push.port();
    }

    /**
     * Meters whose invocation counter passed key.renewal.counter.threshold get their keys renewed: at
     * most key.renewal.auto.per.minute a minute, as a campaign of scope "headroom" (any node may run
     * this; a meter with a renewal queued or running is left out by the query and by a unique index).
     */
    private void renewNearlyExhaustedKeys() {
        try {
            if (!dbHealth.state().up()) return;
            var settings = config.keyRenewal();
            List<String> due = new InvocationCounters(db.dataSource()).nearingLimit(InvocationCounters.LIMIT - settings.counterThreshold(),
                    settings.autoPerMinute(), clock.instant().minus(Duration.ofDays(1)));
            if (due.isEmpty()) return;
            var c = services.keyCampaigns().create(org.openhes.headend.scheduler.keys.KeyCampaignStore.Scope.meters(due), "both",
                    settings.autoPerMinute(), "head-end (counter threshold)");
            log.info("automatic key renewal: campaign {} for {} meters whose invocation counter passed {}", c.id(), c.total(),
                    settings.counterThreshold());
            services.events().audit(clock.instant(), "head-end", "keys.renew", c.scope(), "campaign " + c.id() + ": " + c.total() + " meters");
            worker.nudge();
        } catch (RuntimeException e) {
            log.warn("automatic key renewal not planned: {}", e.getMessage());
        }
    }

    /** Expired console sign-ins are refused already; this only keeps their table small. */
    private void purgeConsoleSessions() {
        try {
            int gone = services.consoleSessions().purgeExpired();
            if (gone > 0) log.debug("{} expired console sessions deleted", gone);
        } catch (RuntimeException e) {
            log.debug("console session purge failed: {}", e.getMessage());
        }
    }

    private void refreshMetrics() {
        try {
            services.metrics().refresh(services.jobs(), services.planner(), () -> new InvocationCounters(db.dataSource()).lowestHeadroom(),
                    () -> dbHealth.state().up());
            if (dbHealth.state().up()) {
                delivery.refreshGauges();
                services.metrics().keyRenewalStuck(services.keyCampaigns().stuckJobs(Duration.ofHours(1)));
            }
        } catch (RuntimeException e) {
            log.debug("metrics refresh failed: {}", e.getMessage());
        }
    }

    /** Every day at the configured local time, create the day's read run (once, whichever node is first). */
    private void schedulePlans() {
        Instant next = ReadPlanner.nextPlanTime(config.readPlanTime(), config.zone(), clock.instant());
        // A node started after today's plan time still makes sure today's run exists.
        LocalDate today = clock.instant().atZone(config.zone()).toLocalDate();
        if (!today.equals(next.atZone(config.zone()).toLocalDate())) createRun(today);
        long delay = Math.max(0, Duration.between(clock.instant(), next).toMillis());
        ticker.schedule(() -> {
            createRun(next.atZone(config.zone()).toLocalDate());
            schedulePlans();
        }, delay, TimeUnit.MILLISECONDS);
    }

    private void createRun(LocalDate date) {
        try {
            var run = services.planner().createRun(date, clock.instant(), config.readSpread());
            if (run.created()) log.info("daily read run {} for {}: {} meters over {}", run.id(), date, run.total(), config.readSpread());
            worker.nudge();
        } catch (RuntimeException e) {
            log.error("could not create the read run of {}: {}", date, e.getMessage());
        }
    }

    public Services services() {
        return services;
    }

    public MeterClient client() {
        return client;
    }

    public MeterDirectory directory() {
        return directory;
    }

    public int httpPort() {
        return api.port();
    }

    /** The HTTP routes served, "METHOD /path/{param}". */
    public java.util.List<String> httpRoutes() {
        return api.routes();
    }

    @Override
    public void close() {
        log.info("head-end node {} stopping", config.nodeId());
        for (AutoCloseable c : List.<AutoCloseable>of(api, () -> { if (push != null) push.close(); }, () -> ticker.shutdownNow(), () -> worker.stop(Duration.ofSeconds(20)),
                readWriter, delivery, pool, connector, counterStore, () -> dbExecutor.shutdown(), dbHealth, db)) {
            try {
                c.close();
            } catch (Exception e) {
                log.warn("while stopping: {}", e.toString());
            }
        }
    }
}
