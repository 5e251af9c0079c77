package org.openhes.headend.bench;

import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openhes.headend.api.cli.HeadendCli;
import org.openhes.headend.api.config.HeadendConfig;
import org.openhes.headend.api.config.Settings;
import org.openhes.headend.api.node.HeadendNode;
import org.openhes.headend.protocol.transport.NettyIo;
import org.openhes.headend.scheduler.jobs.JobQueue;
import org.openhes.headend.scheduler.jobs.JobType;
import org.openhes.headend.scheduler.plans.ReadPlanner;
import org.openhes.headend.simulator.FaultRates;
import org.openhes.headend.simulator.SimulatedFleet;
import org.openhes.headend.simulator.SimulatorConfig;

/**
 * A head-end node (embedded PostgreSQL, the pool, the worker) and a simulated fleet registered in it:
 * the fleet in this process, or in a process of its own ({@code simulator} set) when the head-end's CPU
 * must be measured apart from the meters'.
 */
record Rig(SimulatedFleet fleet, Process simulator, HeadendNode node, Path data) implements AutoCloseable {
    static final ZoneId ZONE = ZoneId.of("Europe/Brussels");

    /** What a scenario changes in the rig. */
    record Setup(int meters, int poolSize, FaultRates faults, int wrongKeys, boolean separateSimulator, Map<String, String> settings) {
        static Setup of(BenchParameters p) {
            return new Setup(p.meters(), p.concurrency(), FaultRates.NONE, 0, false, Map.of());
        }

        Setup withMeters(int n) {
            return new Setup(n, poolSize, faults, wrongKeys, separateSimulator, settings);
        }

        Setup withFaults(FaultRates f, int wrong) {
            return new Setup(meters, poolSize, f, wrong, separateSimulator, settings);
        }

        Setup simulatorInOwnProcess() {
            return new Setup(meters, poolSize, faults, wrongKeys, true, settings);
        }

        Setup withSettings(Map<String, String> s) {
            return new Setup(meters, poolSize, faults, wrongKeys, separateSimulator, s);
        }
    }

    static NettyIo nettyIo() {
        return NettyIo.choose(Settings.load(Optional.empty(), System.getenv()).string("io.transport", "auto"));
    }

    static Rig start(BenchParameters p, Setup setup) throws Exception {
        Path data = TempDirs.create();
        SimulatedFleet fleet = null;
        Process sim = null;
        String csv;
        if (setup.separateSimulator()) {
            sim = startSimulatorProcess(p, setup.meters(), setup.wrongKeys(), data);
            csv = Files.readString(data.resolve("fleet.csv"));
        } else {
            NettyIo io = nettyIo();
            fleet = SimulatedFleet.start(SimulatorConfig.builder().meters(setup.meters()).port(0).latency(p.latency(), p.jitter())
                    .faults(setup.faults()).wrongKeyMeters(setup.wrongKeys()).build(), io.handlers(), io.serverChannel());
            StringWriter w = new StringWriter();
            fleet.exportCsv(w);
            csv = w.toString();
        }
        int pool = setup.poolSize();
        Settings s = Settings.load(Optional.empty(), System.getenv()).with("http.port", "0").with("http.host", "127.0.0.1")
                .with("data.dir", data.toString()).with("read.plan.enabled", "false")
                .with("pool.max.sessions", String.valueOf(pool)).with("worker.max.in.flight", String.valueOf(pool + pool / 10))
                .with("worker.claim.batch", "500").with("catchup.days", "1").with("db.pool", "24")
                .with("response.timeout", BenchParameters.RESPONSE_TIMEOUT.toSeconds() + "s").with("session.timeout", "2m");
        for (var e : setup.settings().entrySet()) s = s.with(e.getKey(), e.getValue());
        HeadendNode node = HeadendNode.start(HeadendConfig.from(s), Clock.systemUTC());
        var report = node.services().meters().importCsv(new StringReader(csv));
        System.err.println("registered " + report.accepted() + " meters");
        return new Rig(fleet, sim, node, data);
    }

    /** {@code headend simulate} in a JVM of its own; its registry (with keys) is written to {@code data}/fleet.csv. */
    static Process startSimulatorProcess(BenchParameters p, int meters, int wrongKeys, Path data) throws Exception {
        Path export = data.resolve("fleet.csv");
        Path log = data.resolve("simulator.log");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx3g", "-XX:+UseParallelGC", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), HeadendCli.class.getName(), "simulate",
                "--meters", String.valueOf(meters), "--port", "4070", "--latency", BenchParameters.text(p.latency()),
                "--jitter", BenchParameters.text(p.jitter()), "--wrong-keys", String.valueOf(wrongKeys), "--export", export.toString()));
        Process sim = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.exists(export) || !Files.readString(log).contains("simulated meters")) {
            if (System.nanoTime() > until || !sim.isAlive()) {
                sim.destroyForcibly();
                throw new IllegalStateException("the simulator did not start: see " + log);
            }
            Thread.sleep(200);
        }
        return sim;
    }

    @Override
    public void close() {
        node.close();
        if (fleet != null) fleet.close();
        if (simulator != null) simulator.destroyForcibly();
        TempDirs.delete(data);
    }

    String ean(int meter) {
        return fleet.identity(meter).ean();
    }

    ReadPlanner.ReadRun startReadRun() {
        ReadPlanner.ReadRun run = node.services().planner().createRun(LocalDate.now(ZONE), Instant.now(), Duration.ofSeconds(1));
        node.services().worker().nudge();
        return run;
    }

    /** Runs today's read run to its end; returns seconds. */
    double runReadRun(String label) throws InterruptedException {
        ReadPlanner.ReadRun run = startReadRun();
        long t0 = System.nanoTime();
        ReadPlanner.Progress p;
        do {
            Thread.sleep(1000);
            p = node.services().planner().progress(run.id()).orElseThrow();
            System.err.printf("%s: %d/%d read, %d failed, %d pending, %d sessions open (%.0f s)%n", label, p.succeeded(), p.total(),
                    p.failed(), p.pending(), node.client().pool().active(), (System.nanoTime() - t0) / 1e9);
        } while (p.pending() > 0);
        return (System.nanoTime() - t0) / 1e9;
    }

    /**
     * Reads yesterday's row of {@code count} meters (the last by id) through the whole service (queue,
     * sessions, reads stored), then suspends them so that the measured run reads only the others, none
     * of which has been seen before. Returns seconds.
     */
    double warmUp(int count) throws InterruptedException {
        LocalDate day = LocalDate.now(ZONE).minusDays(1);
        Instant now = Instant.now();
        List<String> ids = new ArrayList<>(count);
        try (Connection c = node.services().db().dataSource().getConnection();
             var ps = c.prepareStatement("SELECT id FROM meters ORDER BY id DESC LIMIT ?")) {
            ps.setInt(1, count);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) ids.add(rs.getString(1));
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        long t0 = System.nanoTime(); // the worker starts on the first jobs while the others are being enqueued
        for (String id : ids) {
            node.services().jobs().enqueue(new JobQueue.NewJob(JobType.DAILY_READ, id, "{\"date\":\"" + day + "\"}", now,
                    now.plus(Duration.ofHours(1)), null, null));
        }
        node.services().worker().nudge();
        while (count("SELECT count(*) FROM jobs WHERE state IN ('QUEUED', 'RUNNING')") > 0) Thread.sleep(500);
        double secs = (System.nanoTime() - t0) / 1e9;
        System.err.printf("warm-up: %d meters read in %.1f s (not measured)%n", ids.size(), secs);
        count("WITH s AS (UPDATE meters SET status = 'suspended' WHERE id IN (SELECT meter_id FROM jobs) RETURNING 1) SELECT count(*) FROM s");
        return secs;
    }

    long count(String sql) {
        try (Connection c = node.services().db().dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Transactions committed in the head-end's database so far (all its connections). */
    long commits() {
        return count("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()");
    }

    /** Accepted jobs that will never complete: dead (given up, with a reason). */
    long deadJobs() {
        return count("SELECT count(*) FROM jobs WHERE state = 'DEAD'");
    }

    /** Jobs still queued or running when the scenario stopped waiting: not lost, not done. */
    long unfinishedJobs() {
        return count("SELECT count(*) FROM jobs WHERE state IN ('QUEUED', 'RUNNING')");
    }
}
