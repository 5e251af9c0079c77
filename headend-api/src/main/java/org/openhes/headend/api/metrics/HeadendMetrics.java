package org.openhes.headend.api.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.openhes.headend.protocol.MeterFailureKind;
import org.openhes.headend.protocol.session.SessionEvents;
import org.openhes.headend.scheduler.jobs.ClaimedJob;
import org.openhes.headend.scheduler.jobs.JobListener;
import org.openhes.headend.scheduler.jobs.JobQueue;
import org.openhes.headend.scheduler.jobs.JobResult;
import org.openhes.headend.scheduler.jobs.JobType;
import org.openhes.headend.scheduler.plans.ReadPlanner;

/**
 * The node's metrics in Prometheus form. Tags are bounded vocabularies (operation, outcome, kind,
 * type, state), never a meter id or an address. Gauges that need the database are refreshed by
 * {@link #refresh} on a timer, not on every scrape.
 */
public final class HeadendMetrics implements SessionEvents, JobListener {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final InstantSource clock;
    private final AtomicInteger sessionsOpen = new AtomicInteger();
    private final AtomicLong counterHeadroom = new AtomicLong(0xFFFF_FFFFL);
    private final AtomicLong keyRenewalStuck = new AtomicLong();
    private final AtomicInteger databaseUp = new AtomicInteger(1);
    private final AtomicReference<Double> readRunRatio = new AtomicReference<>(1.0);
    private final MultiGauge jobs;
    private final MultiGauge readRunMeters;

    private final AtomicLong callbacksPending = new AtomicLong();
    private final AtomicLong callbacksDead = new AtomicLong();
    private final AtomicReference<Double> subscriptionLag = new AtomicReference<>(0.0);
    private final MultiGauge deliverySubscriptions;

    public HeadendMetrics(InstantSource clock) {
        this.clock = clock;
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        Gauge.builder("headend.sessions.open", sessionsOpen, AtomicInteger::get).description("Meter sessions open now").register(registry);
        Gauge.builder("headend.key.renewal.stuck.jobs", keyRenewalStuck, AtomicLong::get)
                .description("Key renewal jobs more than an hour past their start, or dead in the last day").register(registry);
        Gauge.builder("headend.invocation.counter.headroom.min", counterHeadroom, AtomicLong::get)
                .description("Fewest invocation counter values left for any meter").register(registry);
        Gauge.builder("headend.database.up", databaseUp, AtomicInteger::get).description("1 when the database answers").register(registry);
        Gauge.builder("headend.read.run.success.ratio", readRunRatio, AtomicReference::get)
                .description("Succeeded share of the latest daily read run").register(registry);
        jobs = MultiGauge.builder("headend.jobs").description("Jobs by type and state").register(registry);
        Gauge.builder("headend.callbacks.pending", callbacksPending, AtomicLong::get).description("Command callbacks waiting to be delivered")
                .register(registry);
        Gauge.builder("headend.callbacks.dead", callbacksDead, AtomicLong::get).description("Command callbacks given up (dead letters)")
                .register(registry);
        Gauge.builder("headend.subscription.lag.max.seconds", subscriptionLag, AtomicReference::get)
                .description("Age of the oldest feed entry an active subscription has not acknowledged").register(registry);
        deliverySubscriptions = MultiGauge.builder("headend.subscriptions").description("Subscriptions by state").register(registry);
        readRunMeters = MultiGauge.builder("headend.read.run.meters").description("Meters of the latest read run by state").register(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }

    /** Key renewal jobs that should have ended and have not (the stuck-campaign alert's figure). */
    public void keyRenewalStuck(long jobs) {
        keyRenewalStuck.set(jobs);
    }

    /** This node's connection pool: sessions open, sessions waiting for a slot, the most it opens. */
    public record PoolUse(int active, int waiting, int max) {
    }

    /** The pool gauges' values now (zeros before the pool is bound). */
    public PoolUse poolUse() {
        return new PoolUse(gauge("headend.pool.sessions.active"), gauge("headend.pool.waiters"), gauge("headend.pool.sessions.max"));
    }

    private int gauge(String name) {
        var g = registry.find(name).gauge();
        return g == null ? 0 : (int) g.value();
    }

    /** Connection pool gauges. */
    public void bindPool(java.util.function.IntSupplier active, java.util.function.IntSupplier waiting, int max) {
        Gauge.builder("headend.pool.sessions.active", active, s -> s.getAsInt()).register(registry);
        Gauge.builder("headend.pool.waiters", waiting, s -> s.getAsInt()).register(registry);
        Gauge.builder("headend.pool.sessions.max", () -> max).register(registry);
    }

    @Override
    public void sessionStarted(String operation) {
        sessionsOpen.incrementAndGet();
    }

    /**
     * Meters recorded on every session, looked up once per tag set: building and registering them on
     * each call (a Meter.Id, sorted tags and a registry look-up) was a visible share of a session's CPU.
     */
    private final ConcurrentHashMap<String, Timer> sessionTimers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> sessionCounters = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> failureCounters = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> requestCounters = new ConcurrentHashMap<>();

    private final ConcurrentHashMap<String, Timer> slotTimers = new ConcurrentHashMap<>();

    @Override
    public void slotGranted(String operation, Duration waited) {
        slotTimers.computeIfAbsent(operation, k -> Timer.builder("headend.session.slot.wait")
                .description("Time a session waited for its slot in the connection pool").tag("operation", operation)
                .publishPercentileHistogram().publishPercentiles(0.5, 0.99).register(registry)).record(waited);
    }

    @Override
    public void sessionEnded(String operation, MeterFailureKind failure, Duration duration) {
        sessionsOpen.decrementAndGet();
        String outcome = failure == null ? "success" : "failure";
        String key = operation + '|' + outcome;
        sessionTimers.computeIfAbsent(key, k -> Timer.builder("headend.session.duration").tags("operation", operation, "outcome", outcome)
                .publishPercentileHistogram().publishPercentiles(0.5, 0.99).register(registry)).record(duration);
        sessionCounters.computeIfAbsent(key, k -> Counter.builder("headend.sessions").tags("operation", operation, "outcome", outcome)
                .register(registry)).increment();
        if (failure != null) {
            String kind = failure.name().toLowerCase(Locale.ROOT);
            failureCounters.computeIfAbsent(kind, k -> Counter.builder("headend.dlms.failures").tag("kind", kind).register(registry))
                    .increment();
        }
    }

    @Override
    public void requestsSent(String operation, int frames) {
        requestCounters.computeIfAbsent(operation, k -> Counter.builder("headend.dlms.requests").tag("operation", operation)
                .description("DLMS request frames sent to meters").register(registry)).increment(frames);
    }

    /** Request frames sent so far by sessions of {@code operation}. */
    public double requestFrames(String operation) {
        Counter c = registry.find("headend.dlms.requests").tag("operation", operation).counter();
        return c == null ? 0 : c.count();
    }

    @Override
    public void counterResynchronised() {
        Counter.builder("headend.invocation.counter.resyncs").register(registry).increment();
    }

    @Override
    public void finished(ClaimedJob job, JobResult result, JobQueue.Finish finish) {
        if (finish == JobQueue.Finish.LEASE_LOST) return;
        String outcome = switch (finish) {
            case SUCCEEDED -> "succeeded";
            case RETRY -> "retry";
            default -> "dead";
        };
        Timer.builder("headend.job.latency").tag("type", job.type().name()).publishPercentileHistogram().register(registry)
                .record(Duration.between(job.runAt(), clock.instant()));
        if (job.type() == JobType.COMMAND && finish != JobQueue.Finish.RETRY) {
            Timer.builder("headend.command.latency").tags("type", commandType(job), "outcome", outcome)
                    .publishPercentileHistogram().register(registry).record(Duration.between(job.createdAt(), clock.instant()));
            Counter.builder("headend.commands").tags("type", commandType(job), "outcome", outcome).register(registry).increment();
        }
    }

    private static String commandType(ClaimedJob job) {
        String p = job.payload();
        for (String t : List.of("DISCONNECT", "RECONNECT", "SET_POWER_LIMIT", "CLEAR_POWER_LIMIT", "DISPLAY_BALANCE",
                "GAS_DISCONNECT", "GAS_RECONNECT", "SET_PUSH_SETUP")) {
            if (p.contains("\"" + t + "\"")) return t;
        }
        return "OTHER";
    }

    /** p50, p99 (ms), count and mean (ms) of successful sessions of {@code operation}, from the running percentiles. */
    public double[] sessionPercentilesMs(String operation) {
        return percentilesMs(registry.find("headend.session.duration").tags("operation", operation, "outcome", "success").timer());
    }

    /** p50, p99 (ms), count and mean (ms) of the waits for a pool slot of {@code operation}'s sessions. */
    public double[] slotWaitPercentilesMs(String operation) {
        return percentilesMs(registry.find("headend.session.slot.wait").tag("operation", operation).timer());
    }

    private static double[] percentilesMs(Timer t) {
        if (t == null) return new double[] {0, 0, 0, 0};
        var snap = t.takeSnapshot();
        double p50 = 0, p99 = 0;
        for (var v : snap.percentileValues()) {
            if (v.percentile() == 0.5) p50 = v.value(java.util.concurrent.TimeUnit.MILLISECONDS);
            if (v.percentile() == 0.99) p99 = v.value(java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        return new double[] {p50, p99, snap.count(), snap.mean(java.util.concurrent.TimeUnit.MILLISECONDS)};
    }

    /**
     * One API request, by route template (never a meter id), method and status code: operations see
     * 429s (back-pressure) and 5xx (database away) as rates. Timers are looked up once per tag set,
     * as the session meters are.
     */
    public void httpRequest(String route, String method, int status, Duration took) {
        httpTimers.computeIfAbsent(route + '|' + method + '|' + status, k -> Timer.builder("headend.http.request.duration")
                .description("API requests by route, method and status")
                .tags("route", route, "method", method, "status", String.valueOf(status))
                .serviceLevelObjectives(HTTP_BUCKETS).register(registry)).record(took);
    }

    private final ConcurrentHashMap<String, Timer> httpTimers = new ConcurrentHashMap<>();
    private static final Duration[] HTTP_BUCKETS = {Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(120)};

    /** A meter clock was found off by more than the allowed drift. */
    public void clockDrift() {
        Counter.builder("headend.clock.drift.detected").description("Meter clocks found off during daily reads").register(registry).increment();
    }

    /** A push notification arrived. */
    public void pushEvent(String type) {
        Counter.builder("headend.push.events").tag("type", type).register(registry).increment();
    }

    /** One attempt to deliver a command callback: delivered, retry (tried again later) or dead. */
    public void callbackAttempt(String outcome) {
        Counter.builder("headend.callbacks").tag("outcome", outcome).description("Command callback attempts by outcome")
                .register(registry).increment();
    }

    /** One subscription batch: delivered (with its items), retry or dead. */
    public void subscriptionBatch(String outcome, int items) {
        Counter.builder("headend.subscription.batches").tag("outcome", outcome).description("Subscription batches by outcome")
                .register(registry).increment();
        if (items > 0) {
            Counter.builder("headend.subscription.items.delivered").description("Feed items acknowledged by subscribers")
                    .register(registry).increment(items);
        }
    }

    /** The delivery gauges, refreshed from the database. */
    public void delivery(long callbacksPending, long callbacksDead, long subscriptionsActive, long subscriptionsDead, double maxLagSeconds) {
        this.callbacksPending.set(callbacksPending);
        this.callbacksDead.set(callbacksDead);
        deliverySubscriptions.register(List.of(MultiGauge.Row.of(Tags.of("state", "ACTIVE"), subscriptionsActive),
                MultiGauge.Row.of(Tags.of("state", "DEAD"), subscriptionsDead)), true);
        subscriptionLag.set(maxLagSeconds);
    }

    /** Refreshes the database-backed gauges; failures mark the database down. */
    public void refresh(JobQueue queue, ReadPlanner planner, java.util.function.Supplier<java.util.OptionalLong> headroom,
                        java.util.function.BooleanSupplier dbUp) {
        boolean up = dbUp.getAsBoolean();
        databaseUp.set(up ? 1 : 0);
        if (!up) return;
        try {
            List<MultiGauge.Row<?>> rows = new ArrayList<>();
            Map<String, Map<String, Long>> counts = queue.counts();
            for (JobType t : JobType.values()) {
                for (String state : List.of("QUEUED", "RUNNING", "DEAD")) {
                    long n = counts.getOrDefault(t.name(), Map.of()).getOrDefault(state, 0L);
                    rows.add(MultiGauge.Row.of(Tags.of("type", t.name(), "state", state), n));
                }
            }
            jobs.register(rows, true);
            planner.latest().ifPresent(p -> {
                readRunRatio.set(p.successRatio());
                readRunMeters.register(List.of(
                        MultiGauge.Row.of(Tags.of("state", "succeeded"), p.succeeded()),
                        MultiGauge.Row.of(Tags.of("state", "failed"), p.failed()),
                        MultiGauge.Row.of(Tags.of("state", "pending"), p.pending())), true);
            });
            headroom.get().ifPresent(counterHeadroom::set);
        } catch (RuntimeException e) {
            databaseUp.set(0);
        }
    }
}
