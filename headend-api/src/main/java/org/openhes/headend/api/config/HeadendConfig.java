package org.openhes.headend.api.config;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.HexFormat;
import org.openhes.headend.protocol.pool.PoolSettings;
import org.openhes.headend.protocol.transport.NettyIo;
import org.openhes.headend.scheduler.db.DatabaseSettings;
import org.openhes.headend.scheduler.delivery.DeliverySettings;

/**
 * Every setting of a head-end node, read and validated once at start-up. Names are dotted in the
 * config file ({@code pool.max.sessions}) and HEADEND_ + upper case in the environment
 * ({@code HEADEND_POOL_MAX_SESSIONS}). A bad value stops the start with the setting's name.
 */
public record HeadendConfig(
        String nodeId, String httpHost, int httpPort, int pushPort,
        String dbUrl, String dbUser, String dbPassword, int dbPool, Path dataDir,
        String masterKey, Path masterKeyFile, String adminToken, String callbackSecret,
        int poolMaxSessions, int poolPerHost, int poolNewPerSecond, int poolMaxWaiting, int ioThreads, String ioTransport,
        Duration connectTimeout, Duration responseTimeout, Duration sessionTimeout,
        int workerMaxInFlight, int workerClaimBatch, Duration workerLease, Duration workerPoll,
        boolean readPlanEnabled, LocalTime readPlanTime, ZoneId zone, Duration readSpread, int catchUpDays,
        byte[] clientSystemTitle, Duration retryBase, Duration retryMax, long apiMaxQueued,
        int poolPerGroup, String poolGroupLabel, Duration clockMaxDrift, int poolUrgentReserve, Path profilesDir,
        Duration dbConnectTimeout, Duration dbHealthInterval, boolean loadProfileEnabled, int loadProfileCatchUpDays,
        boolean eventLogsEnabled, DeliverySettings delivery, KeyRenewalSettings keyRenewal) {

    private static String ioTransport(String v) {
        if (!NettyIo.MODES.contains(v)) {
            throw new ConfigException("io.transport (HEADEND_IO_TRANSPORT) must be one of " + NettyIo.MODES + " (was " + v + ")");
        }
        return v;
    }

    public static HeadendConfig from(Settings s) {
        Path data = Path.of(s.string("data.dir", "headend-data"));
        int poolMax = s.integer("pool.max.sessions", 2000, 1, 200_000);
        String title = s.string("client.system.title", "4F48450000000001");
        byte[] titleBytes;
        try {
            titleBytes = HexFormat.of().parseHex(title);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("client.system.title (HEADEND_CLIENT_SYSTEM_TITLE) must be 16 hex digits (was " + title + ")");
        }
        if (titleBytes.length != 8) throw new ConfigException("client.system.title (HEADEND_CLIENT_SYSTEM_TITLE) must be 16 hex digits (was " + title + ")");
        return new HeadendConfig(
                s.string("node.id", hostName()),
                s.string("http.host", "0.0.0.0"),
                s.integer("http.port", 8080, 0, 65535),
                s.integer("push.port", 4060, -1, 65535),
                s.get("db.url").orElse(null), s.string("db.user", null), s.string("db.password", null),
                s.integer("db.pool", 16, 2, 200),
                data,
                s.get("master.key").orElse(null),
                Path.of(s.string("master.key.file", data.resolve("master.key").toString())),
                s.get("admin.token").orElse(null),
                s.get("callback.secret").orElse(null),
                poolMax,
                s.integer("pool.per.host", 1, 1, 10_000),
                s.integer("pool.new.per.second", 0, 0, 1_000_000),
                s.integer("pool.max.waiting", 100_000, 0, 10_000_000),
                s.integer("io.threads", 0, 0, 256),
                ioTransport(s.string("io.transport", "auto")),
                s.duration("connect.timeout", Duration.ofSeconds(10)),
                s.duration("response.timeout", Duration.ofSeconds(30)),
                s.duration("session.timeout", Duration.ofMinutes(3)),
                s.integer("worker.max.in.flight", poolMax + Math.max(1, poolMax / 10), 1, 220_000),
                s.integer("worker.claim.batch", 200, 1, 10_000),
                s.duration("worker.lease", Duration.ofMinutes(5)),
                s.duration("worker.poll", Duration.ofMillis(500)),
                s.bool("read.plan.enabled", true),
                s.localTime("read.plan.time", LocalTime.of(1, 30)),
                s.zone("read.plan.zone", ZoneId.of("Europe/Brussels")),
                s.duration("read.spread", Duration.ofHours(4)),
                s.integer("catchup.days", 40, 1, 40),
                titleBytes,
                s.duration("retry.base", Duration.ofSeconds(30)),
                s.duration("retry.max", Duration.ofMinutes(30)),
                s.integer("api.max.queued", 100_000, 1, 10_000_000),
                s.integer("pool.per.group", 0, 0, 1_000_000),
                s.string("pool.group.label", "cell"),
                s.duration("clock.max.drift", Duration.ofSeconds(30)),
                s.integer("pool.urgent.reserve", PoolSettings.defaultUrgentReserve(poolMax), 0, poolMax - 1),
                s.get("profiles.dir").map(Path::of).orElse(null),
                atLeast(s, "db.connect.timeout", DatabaseSettings.DEFAULT_CONNECT_TIMEOUT, Duration.ofMillis(250)),
                atLeast(s, "db.health.interval", Duration.ofSeconds(1), Duration.ofMillis(100)),
                s.bool("load.profile.enabled", true), // its cost per session: docs/consumption.md
                s.integer("load.profile.catchup.days", 3, 1, 10),
                s.bool("event.logs.enabled", true),
                delivery(s),
                KeyRenewalSettings.from(s));
    }

    /** Callbacks and subscriptions: how often due deliveries are looked for, retried, given up, kept. */
    private static DeliverySettings delivery(Settings s) {
        DeliverySettings d = DeliverySettings.DEFAULTS;
        try {
            return new DeliverySettings(
                    atLeast(s, "delivery.poll", d.poll(), Duration.ofMillis(10)),
                    atLeast(s, "delivery.backoff.base", d.backoffBase(), Duration.ofMillis(10)),
                    atLeast(s, "delivery.backoff.max", d.backoffMax(), Duration.ofMillis(10)),
                    s.integer("callback.max.attempts", d.callbackMaxAttempts(), 1, 1000),
                    atLeast(s, "subscription.dead.after", d.subscriptionDeadAfter(), Duration.ofSeconds(1)),
                    atLeast(s, "feed.retention", d.feedRetention(), Duration.ofSeconds(2)),
                    s.integer("delivery.max.batch", d.maxBatch(), 1, 10_000));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage() + " (delivery.*, callback.max.attempts, subscription.dead.after, feed.retention)");
        }
    }

    private static Duration atLeast(Settings s, String key, Duration dflt, Duration min) {
        Duration d = s.duration(key, dflt);
        if (d.compareTo(min) < 0) {
            throw new ConfigException(key + " (" + Settings.envName(key) + ") must be at least " + min.toMillis() + "ms (was " + d.toMillis() + "ms)");
        }
        return d;
    }

    private static String hostName() {
        String h = System.getenv("HOSTNAME");
        return h == null || h.isBlank() ? "node-" + ProcessHandle.current().pid() : h;
    }

    @Override
    public String toString() {
        return "HeadendConfig[node=" + nodeId + ", http=" + httpHost + ":" + httpPort + ", db="
                + (dbUrl == null ? "embedded in " + dataDir : dbUrl) + ", pool=" + poolMaxSessions + "/" + poolPerHost
                + " per host, worker=" + workerMaxInFlight + " in flight, plan=" + (readPlanEnabled ? readPlanTime + " " + zone : "off")
                + ", secrets=***]";
    }
}
