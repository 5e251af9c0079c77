package org.openhes.headend.scheduler.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openhes.headend.scheduler.MutableClock;
import org.openhes.headend.scheduler.TestDatabase;
import org.openhes.headend.scheduler.commands.CommandStore;
import org.openhes.headend.scheduler.db.Database;
import org.openhes.headend.scheduler.events.EventStore;
import org.openhes.headend.scheduler.jobs.JobQueue;
import org.openhes.headend.scheduler.jobs.RetryPolicy;
import org.openhes.headend.scheduler.keys.KeyVault;
import org.openhes.headend.scheduler.keys.MasterKey;
import org.openhes.headend.scheduler.keys.MeterSecrets;
import org.openhes.headend.scheduler.meters.Ean;
import org.openhes.headend.scheduler.meters.Meter;
import org.openhes.headend.scheduler.meters.MeterRegistry;
import org.openhes.headend.scheduler.plans.ReadPlanner;

/** The console's read models against a real PostgreSQL, a fresh database per test. */
class ConsoleQueriesTest {
    static final Instant T = Instant.parse("2026-12-04T10:00:00Z");
    static final ZoneId BXL = ZoneId.of("Europe/Brussels");
    static final String GUARDED = """
            {"outcome":"APPLIED","state":{"outputState":true,"controlState":1},
             "guard":{"rule":"customer=protected","asked":"DISCONNECT","ran":"SET_POWER_LIMIT 2300 W"}}""";

    final MutableClock clock = new MutableClock(T);
    Database db;
    MeterRegistry registry;
    CommandStore commands;

    @BeforeEach
    void open() {
        db = TestDatabase.create();
        KeyVault vault = new KeyVault(db.dataSource(), MasterKey.fromBase64("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="));
        registry = new MeterRegistry(db.dataSource(), vault);
        commands = new CommandStore(db.dataSource(), new JobQueue(db.dataSource(), clock, RetryPolicy.defaults()), clock);
    }

    @AfterEach
    void close() {
        db.close();
    }

    static String ean(int i) {
        String body = "5414488" + String.format("%010d", i);
        return body + Ean.checkDigit(body);
    }

    void meter(int i, String status, String serial, String host, int port, Map<String, String> labels) {
        Meter m = new Meter(ean(i), serial, host, port, "wrapper", 1, 1, 0, "none", null, "emucs", status, labels);
        registry.upsertAll(List.of(new MeterRegistry.Registration(m, new MeterSecrets(null, null, null))));
    }

    void meter(int i, String status) {
        meter(i, status, "S" + i, "127.0.0." + i, 4059, Map.of());
    }

    /** A command submitted, then given this status, result and times. */
    UUID command(int meter, String type, String params, String status, String result, Instant created, Instant updated) {
        UUID id = commands.submit(new CommandStore.NewCommand(ean(meter), type, params, "platform", null, null, null)).command().id();
        sql("UPDATE commands SET status = ?, result = ?::jsonb, created_at = ?::timestamptz, updated_at = ?::timestamptz WHERE id = ?::uuid",
                status, result, created.toString(), updated.toString(), id.toString());
        return id;
    }

    UUID succeeded(int meter, String type, String params, String result, Instant created, long seconds) {
        return command(meter, type, params, "SUCCEEDED", result, created, created.plusSeconds(seconds));
    }

    void sql(String statement, Object... args) {
        try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(statement)) {
            for (int k = 0; k < args.length; k++) ps.setObject(k + 1, args[k]);
            ps.executeUpdate();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    void job(long run, int meter, String state, int attempts, String kind) {
        sql("UPDATE jobs SET state = ?, attempts = ?, last_failure_kind = ? WHERE read_run_id = ? AND meter_id = ?",
                state, attempts, kind, run, ean(meter));
    }

    static Instant ago(Duration d) {
        return T.minus(d);
    }

    @Test
    void theSnapshotShowsEveryFigureOfTheFleet() {
        for (int i = 1; i <= 6; i++) meter(i, "active");
        meter(7, "suspended");
        meter(8, "suspended");
        meter(9, "decommissioned");
        // breakers: m1 disconnected then reconnected, m2 disconnected, m3's disconnection was run as a limit by the guard
        succeeded(1, "DISCONNECT", "{}", "{\"outcome\":\"APPLIED\"}", ago(Duration.ofHours(5)), 10);
        succeeded(1, "RECONNECT", "{}", "{\"outcome\":\"APPLIED\",\"state\":{\"outputState\":true}}", ago(Duration.ofHours(4)), 20);
        succeeded(2, "DISCONNECT", "{}", "{\"outcome\":\"APPLIED\"}", ago(Duration.ofHours(3)), 30);
        succeeded(3, "DISCONNECT", "{}", GUARDED, ago(Duration.ofHours(2)), 40);
        // limits: m4 set then cleared, m5 set two days ago (outside the day's figures)
        succeeded(4, "SET_POWER_LIMIT", "{\"watts\":3000}", "{}", ago(Duration.ofMinutes(90)), 50);
        succeeded(4, "CLEAR_POWER_LIMIT", "{}", "{}", ago(Duration.ofMinutes(60)), 60);
        succeeded(5, "SET_POWER_LIMIT", "{\"watts\":5000}", "{}", ago(Duration.ofHours(48)), 1000);
        // m7: updated_at orders them, not created_at: the slow DISCONNECT ended after the RECONNECT
        succeeded(7, "DISCONNECT", "{}", "{}", ago(Duration.ofHours(10)), 9 * 3600);
        succeeded(7, "RECONNECT", "{}", "{}", ago(Duration.ofHours(9)), 3600);
        // failures: two in the day (one EXPIRED disconnection, which counts for no breaker), one older
        command(1, "RECONNECT", "{}", "FAILED", null, ago(Duration.ofMinutes(30)), ago(Duration.ofMinutes(29)));
        command(2, "DISCONNECT", "{}", "EXPIRED", null, ago(Duration.ofMinutes(20)), ago(Duration.ofMinutes(5)));
        command(2, "RECONNECT", "{}", "FAILED", null, ago(Duration.ofHours(30)), ago(Duration.ofHours(29)));
        command(6, "RECONNECT", "{}", "QUEUED", null, ago(Duration.ofMinutes(1)), ago(Duration.ofMinutes(1)));
        command(6, "DISPLAY_BALANCE", "{}", "RUNNING", null, ago(Duration.ofMinutes(2)), ago(Duration.ofMinutes(1)));

        ReadPlanner planner = new ReadPlanner(db.dataSource());
        long older = planner.createRun(LocalDate.of(2026, 12, 3), ago(Duration.ofHours(30)), Duration.ofHours(4)).id();
        long today = planner.createRun(LocalDate.of(2026, 12, 4), ago(Duration.ofHours(6)), Duration.ofHours(4)).id();
        job(older, 1, "DEAD", 5, "OLD_KIND");
        job(today, 1, "DEAD", 5, "TIMEOUT");
        job(today, 2, "DEAD", 5, "TIMEOUT");
        job(today, 3, "DEAD", 5, null);
        job(today, 4, "QUEUED", 2, "AUTH_FAILED");
        job(today, 5, "SUCCEEDED", 1, null);
        job(today, 6, "QUEUED", 0, "LEASE_EXPIRED"); // given back fresh attempts: not failing now

        EventStore events = new EventStore(db.dataSource());
        long a1 = events.record(ean(1), "ALARM_REGISTER", ago(Duration.ofHours(1)), "{\"bits\":[\"FRAUD\"]}");
        long a2 = events.record(ean(2), "PUSH", ago(Duration.ofMinutes(30)), null);
        long a3 = events.record(ean(3), "ALARM_REGISTER", Instant.parse("2026-12-03T23:30:00Z"), null); // 00:30 in Brussels
        events.record(ean(3), "ALARM_REGISTER", Instant.parse("2026-12-03T22:30:00Z"), null); // 23:30 yesterday in Brussels
        events.record(ean(4), "POWER_FAILURE", ago(Duration.ofMinutes(10)), null);

        FleetOverview.Snapshot s = new FleetOverview(db.dataSource(), clock, BXL).snapshot();

        assertThat(s.metersByStatus()).containsExactly(Map.entry("active", 6L), Map.entry("suspended", 2L), Map.entry("decommissioned", 1L));
        assertThat(s.disconnected()).isEqualTo(2); // m2, m7
        assertThat(s.limited()).isEqualTo(2); // m3 (guarded), m5
        assertThat(s.run()).hasValueSatisfying(p -> {
            assertThat(p.id()).isEqualTo(today);
            assertThat(p.total()).isEqualTo(6);
            assertThat(p.succeeded()).isEqualTo(1);
            assertThat(p.failed()).isEqualTo(3);
            assertThat(p.pending()).isEqualTo(2);
        });
        assertThat(s.runFailures().deadByKind()).containsExactly(Map.entry("TIMEOUT", 2L), Map.entry("UNKNOWN", 1L));
        assertThat(s.runFailures().retryingByKind()).containsExactly(Map.entry("AUTH_FAILED", 1L));
        assertThat(s.deadJobs()).isEqualTo(4);
        FleetOverview.Commands c = s.commands();
        assertThat(c.queued()).isEqualTo(1);
        assertThat(c.running()).isEqualTo(1);
        assertThat(c.lastDay()).isEqualTo(12);
        assertThat(c.failedLastDay()).isEqualTo(2);
        // 10, 20, 30, 40, 50, 60, 3600, 32400 s: the median between 40 and 50, the 95th at 3600 + 0.65 * 28800
        assertThat(c.p50()).isEqualTo(Duration.ofSeconds(45));
        assertThat(c.p95()).isEqualTo(Duration.ofSeconds(22320));
        assertThat(s.alarmsToday()).extracting(FleetOverview.Alarm::eventId).containsExactly(a2, a1, a3);
        FleetOverview.Alarm first = s.alarmsToday().get(1);
        assertThat(first.meterId()).isEqualTo(ean(1));
        assertThat(first.type()).isEqualTo("ALARM_REGISTER");
        assertThat(first.at()).isEqualTo(ago(Duration.ofHours(1)));
        assertThat(first.payloadJson()).contains("FRAUD");
    }

    @Test
    void anEmptyFleetHasZeroesAndNoRun() {
        FleetOverview.Snapshot s = new FleetOverview(db.dataSource(), clock, BXL).snapshot();
        assertThat(s.metersByStatus()).containsExactly(Map.entry("active", 0L), Map.entry("suspended", 0L), Map.entry("decommissioned", 0L));
        assertThat(s.run()).isEmpty();
        assertThat(s.runFailures().deadByKind()).isEmpty();
        assertThat(s.runFailures().retryingByKind()).isEmpty();
        assertThat(s.commands()).isEqualTo(new FleetOverview.Commands(0, 0, 0, 0, null, null));
        assertThat(s.deadJobs()).isZero();
        assertThat(s.alarmsToday()).isEmpty();
    }

    @Test
    void alarmsOfTheDayStopAtFifty() {
        EventStore events = new EventStore(db.dataSource());
        for (int k = 0; k < 55; k++) events.record(ean(1), k % 2 == 0 ? "PUSH" : "ALARM_REGISTER", ago(Duration.ofMinutes(k)), null);
        List<FleetOverview.Alarm> alarms = new FleetOverview(db.dataSource(), clock, BXL).snapshot().alarmsToday();
        assertThat(alarms).hasSize(50);
        assertThat(alarms.get(0).at()).isEqualTo(T);
        assertThat(alarms.get(49).at()).isEqualTo(ago(Duration.ofMinutes(49)));
    }

    @Test
    void aMetersBreakerLimitAndHistory() {
        for (int i = 1; i <= 4; i++) meter(i, "active");
        MeterActivity activity = new MeterActivity(db.dataSource());
        succeeded(1, "DISCONNECT", "{}", "{}", ago(Duration.ofHours(3)), 1);
        UUID reconnect = succeeded(1, "RECONNECT", "{}", "{\"state\":{\"outputState\":true}}", ago(Duration.ofHours(2)), 1);
        UUID guarded = succeeded(1, "DISCONNECT", "{}", GUARDED, ago(Duration.ofHours(1)), 1);
        UUID queued = command(1, "DISCONNECT", "{}", "QUEUED", null, ago(Duration.ofMinutes(5)), ago(Duration.ofMinutes(5)));
        // the guarded disconnection left the breaker closed, and limited the meter to its 2300 W
        assertThat(activity.breaker(ean(1))).contains(new MeterActivity.Breaker(true, "RECONNECT", ago(Duration.ofHours(2)).plusSeconds(1), reconnect));
        assertThat(activity.powerLimit(ean(1))).contains(new MeterActivity.PowerLimit(2300L, ago(Duration.ofHours(1)).plusSeconds(1)));

        // m2: a reconnection the meter reports as not connected; a limit set, cleared, then a failed one
        succeeded(2, "RECONNECT", "{}", "{\"state\":{\"outputState\":false}}", ago(Duration.ofHours(3)), 1);
        succeeded(2, "SET_POWER_LIMIT", "{\"type\":\"SET_POWER_LIMIT\",\"watts\":4000}", "{}", ago(Duration.ofHours(2)), 1);
        succeeded(2, "CLEAR_POWER_LIMIT", "{}", "{}", ago(Duration.ofHours(1)), 1);
        command(2, "SET_POWER_LIMIT", "{\"watts\":9999}", "FAILED", null, ago(Duration.ofMinutes(30)), ago(Duration.ofMinutes(29)));
        assertThat(activity.breaker(ean(2))).hasValueSatisfying(b -> assertThat(b.connected()).isFalse());
        assertThat(activity.powerLimit(ean(2))).contains(new MeterActivity.PowerLimit(null, ago(Duration.ofHours(1)).plusSeconds(1)));
        succeeded(2, "SET_POWER_LIMIT", "{\"watts\":4000}", "{}", ago(Duration.ofMinutes(20)), 1);
        assertThat(activity.powerLimit(ean(2))).hasValueSatisfying(p -> assertThat(p.watts()).isEqualTo(4000L));

        // m3: a disconnection with no result; m4: a reconnection with no result is connected
        UUID open = succeeded(3, "DISCONNECT", "{}", null, ago(Duration.ofHours(1)), 1);
        assertThat(activity.breaker(ean(3))).contains(new MeterActivity.Breaker(false, "DISCONNECT", ago(Duration.ofHours(1)).plusSeconds(1), open));
        assertThat(activity.powerLimit(ean(3))).isEmpty();
        succeeded(4, "RECONNECT", "{}", null, ago(Duration.ofHours(1)), 1);
        assertThat(activity.breaker(ean(4))).hasValueSatisfying(b -> assertThat(b.connected()).isTrue());
        // a slow disconnection asked before that reconnection but ended after it: updated_at orders them
        succeeded(4, "DISCONNECT", "{}", "{}", ago(Duration.ofHours(2)), 90 * 60);
        assertThat(activity.breaker(ean(4))).hasValueSatisfying(b -> assertThat(b.command()).isEqualTo("DISCONNECT"));
        assertThat(activity.breaker(ean(9))).isEmpty();

        List<MeterActivity.CommandLine> lines = activity.commands(ean(1), 3);
        assertThat(lines).extracting(MeterActivity.CommandLine::id).containsExactly(queued, guarded, reconnect);
        MeterActivity.CommandLine g = lines.get(1);
        assertThat(g.type()).isEqualTo("DISCONNECT");
        assertThat(g.status()).isEqualTo("SUCCEEDED");
        assertThat(g.caller()).isEqualTo("platform");
        assertThat(g.resultJson()).contains("SET_POWER_LIMIT 2300 W");
        assertThat(g.paramsJson()).isEqualTo("{}");
        assertThat(g.createdAt()).isEqualTo(ago(Duration.ofHours(1)));
        assertThat(g.updatedAt()).isEqualTo(ago(Duration.ofHours(1)).plusSeconds(1));
        assertThat(lines.get(0).resultJson()).isNull();
        assertThat(activity.commands(ean(1), 10)).hasSize(4);
        assertThat(activity.commands(ean(9), 10)).isEmpty();
    }

    @Test
    void searchFindsMetersByEanSerialHostAndAddress() {
        meter(101, "active", "SAG-0101", "10.0.0.1", 4059, Map.of("address", "Rue de la Loi 16, 1000 Bruxelles"));
        meter(102, "suspended", "SAG-0102", "10.0.0.1", 4060, Map.of("address", "Grote Markt 1, Antwerpen", "cell", "C1"));
        meter(203, "active", "X203", "meter-203.example", 4059, Map.of("cell", "C2"));
        assertThat(ids(ean(101), 10)).containsExactly(ean(101));
        assertThat(ids("5414488000000010", 10)).containsExactly(ean(101), ean(102));
        assertThat(ids("5414488", 2)).containsExactly(ean(101), ean(102));
        assertThat(ids("sag-0102", 10)).containsExactly(ean(102));
        assertThat(ids("SAG", 10)).isEmpty(); // the serial exactly
        assertThat(ids("10.0.0.1", 10)).containsExactly(ean(101), ean(102));
        assertThat(ids("10.0.0.1:4060", 10)).containsExactly(ean(102));
        assertThat(ids("meter-203.example:4059", 10)).containsExactly(ean(203));
        assertThat(ids("rue de la LOI", 10)).containsExactly(ean(101));
        assertThat(ids("  Antwerpen ", 10)).containsExactly(ean(102));
        assertThat(ids("c", 10)).containsExactly(ean(102), ean(203)); // the cells C1 and C2: values, not keys
        assertThat(ids("%", 10)).isEmpty(); // a wildcard is a character like any other
        assertThat(ids("4059", 10)).isEmpty();
        assertThat(ids("", 10)).isEmpty();
        assertThat(ids("   ", 10)).isEmpty();
        assertThat(registry.search(null, 10)).isEmpty();
        assertThat(registry.search("SAG-0101", 10)).singleElement().satisfies(m -> {
            assertThat(m.labels()).containsEntry("address", "Rue de la Loi 16, 1000 Bruxelles");
            assertThat(m.port()).isEqualTo(4059);
        });
    }

    List<String> ids(String q, int limit) {
        return registry.search(q, limit).stream().map(Meter::id).toList();
    }
}
