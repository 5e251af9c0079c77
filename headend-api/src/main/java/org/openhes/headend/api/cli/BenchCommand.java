package org.openhes.headend.api.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.openhes.headend.api.config.HeadendConfig;
import org.openhes.headend.api.config.Settings;
import org.openhes.headend.api.jobs.BatchWriter;
import org.openhes.headend.api.node.HeadendNode;
import org.openhes.headend.protocol.MeterEndpoint;
import org.openhes.headend.protocol.model.MeterProfile;
import org.openhes.headend.protocol.model.MeterSecurity;
import org.openhes.headend.protocol.model.MeterTarget;
import org.openhes.headend.protocol.session.CodecLoop;
import org.openhes.headend.protocol.transport.NettyIo;
import org.openhes.headend.scheduler.commands.CommandStore;
import org.openhes.headend.scheduler.jobs.ClaimedJob;
import org.openhes.headend.scheduler.jobs.JobQueue;
import org.openhes.headend.scheduler.jobs.JobResult;
import org.openhes.headend.scheduler.plans.ReadPlanner;
import org.openhes.headend.scheduler.reads.IndexRead;
import org.openhes.headend.scheduler.reads.ReadStore;
import org.openhes.headend.simulator.FaultRates;
import org.openhes.headend.simulator.MeterIdentity;
import org.openhes.headend.simulator.SimulatedFleet;
import org.openhes.headend.simulator.SimulatorConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code headend bench}: end-to-end benchmarks. Each scenario starts what it needs, prints progress,
 * and ends with one JSON line of figures (also written under bench-results/). Figures, not verdicts:
 * nothing here asserts a time.
 */
@Command(name = "bench", description = "Benchmarks: codec, transport, daily-read, latency, commands-under-load, burst, chaos, overload, scheduler.")
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--scenario", required = true, description = "codec | transport | daily-read | latency | commands-under-load | burst | chaos | overload | scheduler")
    String scenario;
    @Option(names = "--meters", defaultValue = "2000", description = "Fleet size (default: ${DEFAULT-VALUE}).")
    int meters;
    @Option(names = "--latency", defaultValue = "0ms", description = "Per-exchange latency of the simulated links.")
    String latency;
    @Option(names = "--jitter", defaultValue = "0ms", description = "Up to this much more per exchange.")
    String jitter;
    @Option(names = "--concurrency", defaultValue = "500", description = "Sessions in flight (pool size).")
    int concurrency;
    @Option(names = "--duration", defaultValue = "20", description = "Seconds of measurement (codec, commands-under-load).")
    int duration;
    @Option(names = "--rate", defaultValue = "20", description = "Commands per second (commands-under-load).")
    int rate;
    @Option(names = "--clients", defaultValue = "256", description = "HTTP clients sending as fast as they can (overload).")
    int clients;
    @Option(names = "--max-queued", defaultValue = "2000", description = "The API's bound on queued commands and reads (overload).")
    int maxQueued;
    @Option(names = "--warmup", defaultValue = "0", description = "daily-read: this many other meters are read first, not "
            + "measured, so that the JIT has compiled the networked path as the codec ceiling's warm-up does for the codec "
            + "(default: ${DEFAULT-VALUE}).")
    int warmup;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ZoneId ZONE = ZoneId.of("Europe/Brussels");
    private final OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    @Override
    public Integer call() throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("scenario", scenario);
        switch (scenario) {
            case "codec" -> out.putAll(codec(Duration.ofSeconds(duration)));
            case "transport" -> transport(out);
            case "daily-read" -> dailyRead(out);
            case "latency" -> latency(out);
            case "commands-under-load" -> commandsUnderLoad(out);
            case "burst" -> burst(out);
            case "chaos" -> chaos(out);
            case "overload" -> overload(out);
            case "scheduler" -> scheduler(out);
            default -> throw new OneMeter.BadOption("unknown scenario " + scenario);
        }
        out.put("cores", Runtime.getRuntime().availableProcessors());
        out.put("at", Instant.now().toString());
        String line = JSON.writeValueAsString(out);
        Path dir = Path.of("bench-results");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(scenario + "-" + System.currentTimeMillis() + ".json"), line + "\n");
        System.out.println(line);
        return 0;
    }

    // ------------------------------------------------------------------ codec ceiling

    /** Complete daily-read sessions, in memory, on as many threads as cores. */
    Map<String, Object> codec(Duration d) throws Exception {
        SimulatorConfig cfg = SimulatorConfig.builder().meters(64).port(0).build();
        int threads = Runtime.getRuntime().availableProcessors();
        LocalDate day = LocalDate.now(ZONE);
        try (SimulatedFleet fleet = SimulatedFleet.start(cfg)) {
            byte[] title = java.util.HexFormat.of().parseHex("4F48450000000001");
            // warm-up, then measure
            runCodec(fleet, title, day, threads, Duration.ofSeconds(3));
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            long sessions = runCodec(fleet, title, day, threads, d);
            double secs = (System.nanoTime() - t0) / 1e9;
            double cpuUs = (os.getProcessCpuTime() - cpu0) / 1e3 / sessions;
            System.err.printf("codec: %d sessions in %.1f s on %d threads%n", sessions, secs, threads);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("sessionsPerSecond", round(sessions / secs));
            m.put("ratio", 1.0);
            m.put("cpuMicrosPerSession", round(cpuUs));
            return m;
        }
    }

    private long runCodec(SimulatedFleet fleet, byte[] title, LocalDate day, int threads, Duration d) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicLong done = new AtomicLong();
        long until = System.nanoTime() + d.toNanos();
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            fs.add(pool.submit(() -> {
                long ic = 1_000_000L * (thread + 1);
                int k = 0;
                while (System.nanoTime() < until) {
                    int i = (thread + threads * k++) % fleet.size();
                    MeterIdentity id = fleet.identity(i);
                    MeterTarget target = new MeterTarget(id.ean(), MeterEndpoint.wrapper("127.0.0.1", 1, 1, 1),
                            MeterSecurity.hlsGmac(title, id.encryptionKey(), id.authenticationKey()), MeterProfile.emucs());
                    SimulatedFleet.InMemoryMeter meter = fleet.openInMemory(i);
                    fleet.state(i).forceInvocationCounter(0);
                    ic += 16;
                    CodecLoop.dailyReadSession(target, meter::handle, Math.max(ic, fleet.state(i).nextInvocationCounter()), day, ZONE);
                    done.incrementAndGet();
                }
                return null;
            }));
        }
        for (Future<?> f : fs) f.get();
        pool.shutdown();
        return done.get();
    }

    // ------------------------------------------------------------------ the transport floor

    /**
     * The daily read's connections and exchanges without DLMS or database ({@link TransportFloor}),
     * beside the codec ceiling: {@code boundRatio} is the ratio a daily read would reach if it cost
     * only the codec's work plus the transport's (both CPU-bound on the same cores: their costs add).
     */
    private void transport(Map<String, Object> out) throws Exception {
        Map<String, Object> ceiling = codec(Duration.ofSeconds(10));
        out.putAll(transportFloor(((Number) ceiling.get("sessionsPerSecond")).doubleValue()));
        out.put("ratio", round3((Double) out.get("sessionsPerSecond") / ((Number) ceiling.get("sessionsPerSecond")).doubleValue()));
        out.put("codecSessionsPerSecond", ceiling.get("sessionsPerSecond"));
        out.put("concurrency", concurrency);
    }

    private Map<String, Object> transportFloor(double codecRate) throws Exception {
        NettyIo io = SimulateCommand.nettyIo();
        TransportFloor.Figures f = TransportFloor.measure(io, concurrency, Duration.ofSeconds(3), Duration.ofSeconds(Math.min(duration, 10)));
        System.err.printf("transport (%s): %d sessions, %.0f sessions/s, %.0f µs CPU per session%n", io.name(), f.sessions(),
                f.sessionsPerSecond(), f.cpuMicrosPerSession());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sessionsPerSecond", round(f.sessionsPerSecond()));
        m.put("cpuMicrosPerSession", round(f.cpuMicrosPerSession()));
        m.put("transport", io.name());
        m.put("boundRatio", round3(f.sessionsPerSecond() / (codecRate + f.sessionsPerSecond())));
        return m;
    }

    // ------------------------------------------------------------------ the service against the fleet

    private record Rig(SimulatedFleet fleet, Process simulator, HeadendNode node, Path data) implements AutoCloseable {
        @Override
        public void close() {
            node.close();
            if (fleet != null) fleet.close();
            if (simulator != null) simulator.destroyForcibly();
        }
    }

    private Rig rig(int poolSize, FaultRates faults, int wrongKeys, boolean separateSimulator, Map<String, String> extra) throws Exception {
        return rig(poolSize, faults, wrongKeys, separateSimulator, extra, meters);
    }

    private Rig rig(int poolSize, FaultRates faults, int wrongKeys, boolean separateSimulator, Map<String, String> extra,
                    int meters) throws Exception {
        Path data = Files.createTempDirectory("headend-bench");
        Duration lat = Settings.parseDuration(latency), jit = Settings.parseDuration(jitter);
        SimulatedFleet fleet = null;
        Process sim = null;
        String csv;
        if (separateSimulator) {
            Path export = data.resolve("fleet.csv");
            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> cmd = new ArrayList<>(List.of(java, "-Xmx3g", "-XX:+UseParallelGC", "--enable-native-access=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"), HeadendCli.class.getName(), "simulate",
                    "--meters", String.valueOf(meters), "--port", "4070", "--latency", latency, "--jitter", jitter,
                    "--wrong-keys", String.valueOf(wrongKeys), "--export", export.toString()));
            sim = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(data.resolve("simulator.log").toFile()).start();
            long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!Files.exists(export) || !Files.readString(data.resolve("simulator.log")).contains("simulated meters")) {
                if (System.nanoTime() > until || !sim.isAlive()) throw new IllegalStateException("the simulator did not start: see " + data);
                Thread.sleep(200);
            }
            csv = Files.readString(export);
        } else {
            NettyIo io = SimulateCommand.nettyIo();
            fleet = SimulatedFleet.start(SimulatorConfig.builder().meters(meters).port(0).latency(lat, jit).faults(faults)
                    .wrongKeyMeters(wrongKeys).build(), io.handlers(), io.serverChannel());
            StringWriter w = new StringWriter();
            fleet.exportCsv(w);
            csv = w.toString();
        }
        Settings s = Settings.load(Optional.empty(), System.getenv()).with("http.port", "0").with("http.host", "127.0.0.1")
                .with("data.dir", data.toString()).with("read.plan.enabled", "false")
                .with("pool.max.sessions", String.valueOf(poolSize)).with("worker.max.in.flight", String.valueOf(poolSize + poolSize / 10))
                .with("worker.claim.batch", "500").with("catchup.days", "1").with("db.pool", "24")
                .with("response.timeout", "15s").with("session.timeout", "2m");
        for (var e : extra.entrySet()) s = s.with(e.getKey(), e.getValue());
        HeadendNode node = HeadendNode.start(HeadendConfig.from(s), Clock.systemUTC());
        var report = node.services().meters().importCsv(new StringReader(csv));
        System.err.println("registered " + report.accepted() + " meters");
        return new Rig(fleet, sim, node, data);
    }

    /** Runs today's read run to its end; returns seconds. */
    private double runReadRun(HeadendNode node, String label) throws InterruptedException {
        ReadPlanner.ReadRun run = node.services().planner().createRun(LocalDate.now(ZONE), Instant.now(), Duration.ofSeconds(1));
        node.services().worker().nudge();
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

    private void dailyRead(Map<String, Object> out) throws Exception {
        Map<String, Object> ceiling = codec(Duration.ofSeconds(10));
        Map<String, Object> floor = transportFloor(((Number) ceiling.get("sessionsPerSecond")).doubleValue());
        try (Rig rig = rig(concurrency, FaultRates.NONE, 0, false, Map.of(), meters + warmup)) {
            if (warmup > 0) warmUp(rig);
            double requests0 = rig.node().services().metrics().requestFrames("daily-read");
            long cpu0 = os.getProcessCpuTime();
            long dbCpu0 = embeddedDatabaseCpuNanos(rig.node());
            double secs = runReadRun(rig.node(), "daily-read");
            double cpuUs = (os.getProcessCpuTime() - cpu0) / 1e3 / meters;
            double dbCpuUs = (embeddedDatabaseCpuNanos(rig.node()) - dbCpu0) / 1e3 / meters;
            double rate = meters / secs;
            double[] pct = rig.node().services().metrics().sessionPercentilesMs("daily-read");
            out.put("sessionsPerSecond", round(rate));
            out.put("ratio", round3(rate / ((Number) ceiling.get("sessionsPerSecond")).doubleValue()));
            out.put("codecSessionsPerSecond", ceiling.get("sessionsPerSecond"));
            out.put("transportSessionsPerSecond", floor.get("sessionsPerSecond"));
            out.put("boundRatio", floor.get("boundRatio"));
            out.put("p50Ms", round(pct[0]));
            out.put("p99Ms", round(pct[1]));
            out.put("cpuMicrosPerSession", round(cpuUs));
            if (dbCpuUs > 0) {
                out.put("dbCpuMicrosPerSession", round(dbCpuUs));
                // the ratio a daily read would reach if a session cost only the codec's, the transport's and the
                // database's CPU, all on these cores
                double floorUs = ((Number) ceiling.get("cpuMicrosPerSession")).doubleValue()
                        + ((Number) floor.get("cpuMicrosPerSession")).doubleValue() + dbCpuUs;
                double cores = Runtime.getRuntime().availableProcessors();
                out.put("boundRatioWithDatabase", round3(cores * 1e6 / floorUs / ((Number) ceiling.get("sessionsPerSecond")).doubleValue()));
            }
            out.put("requestsPerSession", round((rig.node().services().metrics().requestFrames("daily-read") - requests0) / meters));
            out.put("readsStored", countRows(rig.node(), "SELECT count(*) FROM daily_reads r JOIN meters m ON m.id = r.meter_id "
                    + "WHERE m.status = 'active'"));
            out.put("lost", lost(rig.node()));
            out.put("meters", meters);
            out.put("concurrency", concurrency);
            out.put("warmupMeters", warmup);
        }
    }

    /**
     * Reads yesterday's row of the fleet's last {@code warmup} meters through the whole service (queue,
     * sessions, reads stored), then suspends them so that the measured run reads only the others, none
     * of which has been seen before.
     */
    private void warmUp(Rig rig) throws InterruptedException {
        HeadendNode node = rig.node();
        LocalDate day = LocalDate.now(ZONE).minusDays(1);
        Instant now = Instant.now();
        long t0 = System.nanoTime(); // the worker starts on the first jobs while the others are being enqueued
        for (int i = meters; i < meters + warmup; i++) {
            node.services().jobs().enqueue(new JobQueue.NewJob(org.openhes.headend.scheduler.jobs.JobType.DAILY_READ,
                    rig.fleet().identity(i).ean(), "{\"date\":\"" + day + "\"}", now, now.plus(Duration.ofHours(1)), null, null));
        }
        node.services().worker().nudge();
        while (countRows(node, "SELECT count(*) FROM jobs WHERE state IN ('QUEUED', 'RUNNING')") > 0) Thread.sleep(500);
        System.err.printf("warm-up: %d meters read in %.1f s (not measured)%n", warmup, (System.nanoTime() - t0) / 1e9);
        countRows(node, "WITH s AS (UPDATE meters SET status = 'suspended' WHERE id IN (SELECT meter_id FROM jobs) RETURNING 1) "
                + "SELECT count(*) FROM s");
    }

    private void latency(Map<String, Object> out) throws Exception {
        try (Rig rig = rig(concurrency, FaultRates.NONE, 0, true, Map.of("io.threads", "2"))) {
            var mem = ManagementFactory.getMemoryMXBean();
            System.gc();
            long base = mem.getHeapMemoryUsage().getUsed();
            ReadPlanner.ReadRun run = rig.node().services().planner().createRun(LocalDate.now(ZONE), Instant.now(), Duration.ofSeconds(1));
            rig.node().services().worker().nudge();
            long t0 = System.nanoTime();
            long heapPerSession = 0;
            int peakThreads = 0, peakOpen = 0;
            long fullSince = 0, fullDoneAtStart = 0, fullUntil = 0, fullDoneAtEnd = 0;
            long[] cpuAtStart = null, cpuAtEnd = null; // head-end, simulator, database: CPU over the steady window
            ReadPlanner.Progress p;
            do {
                Thread.sleep(1000);
                p = rig.node().services().planner().progress(run.id()).orElseThrow();
                int open = rig.node().client().pool().active();
                peakThreads = Math.max(peakThreads, ManagementFactory.getThreadMXBean().getThreadCount());
                if (open > peakOpen && open >= concurrency * 0.9 && heapPerSession == 0) {
                    System.gc();
                    heapPerSession = (mem.getHeapMemoryUsage().getUsed() - base) / Math.max(1, rig.node().client().pool().active());
                }
                peakOpen = Math.max(peakOpen, open);
                // Little's law holds in steady state: measure while the pool is (nearly) full
                if (open >= concurrency * 0.95) {
                    if (fullSince == 0) {
                        fullSince = System.nanoTime();
                        fullDoneAtStart = p.succeeded() + p.failed();
                        cpuAtStart = cpuOf(rig);
                    }
                    fullUntil = System.nanoTime();
                    fullDoneAtEnd = p.succeeded() + p.failed();
                    cpuAtEnd = cpuOf(rig);
                }
                System.err.printf("latency: %d/%d read, %d failed, %d open, %d waiting for a slot, %d jobs in flight (%.0f s)%n",
                        p.succeeded(), p.total(), p.failed(), open, rig.node().client().pool().waiting(),
                        rig.node().services().worker().inFlight(), (System.nanoTime() - t0) / 1e9);
            } while (p.pending() > 0);
            double secs = (System.nanoTime() - t0) / 1e9;
            double[] pct = rig.node().services().metrics().sessionPercentilesMs("daily-read");
            double bound = concurrency / (pct[3] / 1000.0);
            double rate = p.succeeded() / secs;
            double steady = fullUntil > fullSince ? (fullDoneAtEnd - fullDoneAtStart) / ((fullUntil - fullSince) / 1e9) : rate;
            out.put("sessionsPerSecond", round(steady));
            out.put("ratio", round3(steady / bound));
            out.put("overallSessionsPerSecond", round(rate));
            out.put("steadySeconds", round((fullUntil - fullSince) / 1e9));
            out.put("littleBound", round(bound));
            out.put("meanSessionMs", round(pct[3]));
            out.put("p50Ms", round(pct[0]));
            out.put("p99Ms", round(pct[1]));
            if (cpuAtStart != null && fullDoneAtEnd > fullDoneAtStart) {
                long done = fullDoneAtEnd - fullDoneAtStart;
                out.put("cpuMicrosPerSession", round((cpuAtEnd[0] - cpuAtStart[0]) / 1e3 / done));
                out.put("simulatorCpuMicrosPerSession", round((cpuAtEnd[1] - cpuAtStart[1]) / 1e3 / done));
                if (cpuAtEnd[2] > 0) out.put("dbCpuMicrosPerSession", round((cpuAtEnd[2] - cpuAtStart[2]) / 1e3 / done));
            }
            out.put("heapPerSessionBytes", heapPerSession);
            out.put("peakSessionsOpen", peakOpen);
            out.put("threads", peakThreads);
            out.put("lost", lost(rig.node()));
            out.put("meters", meters);
            out.put("concurrency", concurrency);
            out.put("latency", latency);
        }
    }

    /** CPU time so far of the head-end (this process), the simulator's process and the embedded database. */
    private long[] cpuOf(Rig rig) {
        return new long[] {os.getProcessCpuTime(), rig.simulator() == null ? 0 : cpuNanos(rig.simulator().toHandle()),
                embeddedDatabaseCpuNanos(rig.node())};
    }

    private void commandsUnderLoad(Map<String, Object> out) throws Exception {
        try (Rig rig = rig(concurrency, FaultRates.NONE, 0, false, Map.of())) {
            HeadendNode node = rig.node();
            node.services().planner().createRun(LocalDate.now(ZONE), Instant.now(), Duration.ofSeconds(1));
            node.services().worker().nudge();
            Random random = new Random(7);
            List<java.util.UUID> ids = new ArrayList<>();
            long until = System.nanoTime() + Duration.ofSeconds(duration).toNanos();
            long gap = 1_000_000_000L / rate;
            long next = System.nanoTime();
            while (System.nanoTime() < until) {
                int i = random.nextInt(meters);
                var sub = node.services().commands().submit(new CommandStore.NewCommand(rig.fleet().identity(i).ean(), "SET_POWER_LIMIT",
                        "{\"type\":\"SET_POWER_LIMIT\",\"watts\":2300}", "bench", null, null, null));
                ids.add(sub.command().id());
                node.services().worker().nudge();
                next += gap;
                long sleep = next - System.nanoTime();
                if (sleep > 0) Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
            }
            List<Double> latencies = awaitCommands(node, ids, Duration.ofMinutes(5));
            var readProgress = node.services().planner().latest().orElseThrow();
            double[] sessions = node.services().metrics().sessionPercentilesMs("set_power_limit");
            out.put("commands", ids.size());
            out.put("sessionsPerSecond", round(rate));
            out.put("ratio", 1.0);
            out.put("p50Ms", round(percentile(latencies, 0.5)));
            out.put("p99Ms", round(percentile(latencies, 0.99)));
            out.put("commandSessionP50Ms", round(sessions[0]));
            out.put("commandSessionP99Ms", round(sessions[1]));
            double[] slot = node.services().metrics().slotWaitPercentilesMs("set_power_limit");
            out.put("slotWaitP50Ms", round(slot[0]));
            out.put("slotWaitP99Ms", round(slot[1]));
            out.put("readsDoneDuringRun", readProgress.succeeded());
            out.put("lost", ids.size() - latencies.size());
            out.put("meters", meters);
            out.put("concurrency", concurrency);
        }
    }

    private void burst(Map<String, Object> out) throws Exception {
        try (Rig rig = rig(concurrency, FaultRates.NONE, 0, false, Map.of())) {
            HeadendNode node = rig.node();
            List<java.util.UUID> ids = java.util.Collections.synchronizedList(new ArrayList<>());
            long t0 = System.nanoTime();
            // submitted from 8 threads, as many platform clients would
            ExecutorService submitters = Executors.newFixedThreadPool(8);
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < meters; i++) {
                int m = i;
                fs.add(submitters.submit(() -> ids.add(node.services().commands().submit(new CommandStore.NewCommand(
                        rig.fleet().identity(m).ean(), "RECONNECT", "{\"type\":\"RECONNECT\"}", "bench", "burst-" + m, null, null))
                        .command().id())));
            }
            for (Future<?> f : fs) f.get();
            submitters.shutdown();
            double submitSecs = (System.nanoTime() - t0) / 1e9;
            node.services().worker().nudge();
            List<Double> latencies = awaitCommands(node, ids, Duration.ofMinutes(10));
            double secs = (System.nanoTime() - t0) / 1e9;
            double[] pct = node.services().metrics().sessionPercentilesMs("reconnect");
            double bound = concurrency / (pct[3] / 1000.0);
            out.put("sessionsPerSecond", round(ids.size() / secs));
            out.put("ratio", round3(ids.size() / secs / bound));
            out.put("seconds", round(secs));
            out.put("submitSeconds", round(submitSecs));
            out.put("p50Ms", round(percentile(latencies, 0.5)));
            out.put("p99Ms", round(percentile(latencies, 0.99)));
            out.put("lost", ids.size() - latencies.size());
            out.put("commands", ids.size());
        }
    }

    private List<Double> awaitCommands(HeadendNode node, List<java.util.UUID> ids, Duration max) throws InterruptedException {
        long until = System.nanoTime() + max.toNanos();
        List<Double> latencies = new ArrayList<>();
        List<java.util.UUID> pending = new ArrayList<>(ids);
        while (!pending.isEmpty() && System.nanoTime() < until) {
            Thread.sleep(500);
            List<java.util.UUID> still = new ArrayList<>();
            for (java.util.UUID id : pending) {
                CommandStore.Command c = node.services().commands().find(id).orElseThrow();
                if (c.status().equals("QUEUED") || c.status().equals("RUNNING")) still.add(id);
                else if (c.status().equals("SUCCEEDED")) latencies.add((double) Duration.between(c.createdAt(), c.updatedAt()).toMillis());
            }
            pending = still;
            System.err.printf("commands: %d/%d done%n", ids.size() - pending.size(), ids.size());
        }
        return latencies;
    }

    private void chaos(Map<String, Object> out) throws Exception {
        FaultRates faults = new FaultRates(0.02, 0.02, 0.02, 0.02, 0.02);
        int wrong = Math.max(1, meters / 200);
        try (Rig rig = rig(concurrency, faults, wrong, false, Map.of("retry.base", "1s", "retry.max", "4s", "response.timeout", "2s"))) {
            double secs = runReadRun(rig.node(), "chaos");
            var p = rig.node().services().planner().latest().orElseThrow();
            long wrongDead = countRows(rig.node(), "SELECT count(*) FROM jobs WHERE state = 'DEAD' AND last_failure_kind = 'AUTHENTICATION_FAILED'");
            long retried = countRows(rig.node(), "SELECT count(*) FROM jobs WHERE attempts > 1");
            long readMeters = countRows(rig.node(), "SELECT count(DISTINCT meter_id) FROM daily_reads WHERE source = 'DAILY_PROFILE'");
            long duplicated = countRows(rig.node(), "SELECT count(*) - count(DISTINCT (meter_id, obis, captured_at)) FROM daily_reads");
            out.put("sessionsPerSecond", round(p.succeeded() / secs));
            out.put("ratio", round3((double) p.succeeded() / p.total()));
            out.put("injected", rig.fleet().injectedFaults());
            out.put("wrongKeyMeters", wrong);
            out.put("read", p.succeeded());
            out.put("dead", p.failed());
            out.put("deadWithAuthenticationFailed", wrongDead);
            out.put("retriedJobs", retried);
            out.put("metersWithReads", readMeters);
            out.put("lost", p.total() - p.succeeded() - p.failed());
            out.put("duplicated", duplicated);
            out.put("seconds", round(secs));
        }
    }

    // ------------------------------------------------------------------ overload

    /**
     * More commands and on-demand reads than the pool can work, from many HTTP clients at once, for
     * {@code --duration} seconds: what the API accepts, what it refuses with 429, how far the queue
     * goes past its bound, the heap (sampled, and live after collections) against its limit, and
     * whether every accepted request finishes.
     */
    private void overload(Map<String, Object> out) throws Exception {
        String token = "bench-overload-admin-token-0123456789";
        try (Rig rig = rig(concurrency, FaultRates.NONE, 0, false, Map.of("api.max.queued", String.valueOf(maxQueued),
                "admin.token", token, "push.port", "-1"))) {
            HeadendNode node = rig.node();
            var mem = ManagementFactory.getMemoryMXBean();
            System.gc();
            long heapAtStart = mem.getHeapMemoryUsage().getUsed();
            String base = "http://127.0.0.1:" + node.httpPort() + "/api/v1/meters/";
            var http = java.net.http.HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor())
                    .connectTimeout(Duration.ofSeconds(10)).build();
            AtomicLong accepted = new AtomicLong(), refused = new AtomicLong(), other = new AtomicLong();
            List<java.util.UUID> commandIds = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Long> readJobs = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Double> answerMs = java.util.Collections.synchronizedList(new ArrayList<>());
            Map<Integer, AtomicLong> statuses = new java.util.concurrent.ConcurrentSkipListMap<>();
            long until = System.nanoTime() + Duration.ofSeconds(duration).toNanos();
            ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();
            for (int c = 0; c < clients; c++) {
                int client = c;
                senders.submit(() -> {
                    Random random = new Random(client);
                    for (int k = 0; System.nanoTime() < until; k++) {
                        String ean = rig.fleet().identity(random.nextInt(meters)).ean();
                        String path, body;
                        switch ((client + k) % 3) {
                            case 0 -> { path = ean + "/commands"; body = "{\"type\":\"SET_POWER_LIMIT\",\"watts\":2300}"; }
                            case 1 -> { path = ean + "/commands"; body = "{\"type\":\"DISPLAY_BALANCE\",\"amount\":\"12.50\"}"; }
                            default -> { path = ean + "/reads?wait=5s"; body = ""; }
                        }
                        var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + path))
                                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                                .timeout(Duration.ofSeconds(30)).POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build();
                        long t0 = System.nanoTime();
                        try {
                            var resp = http.send(req, java.net.http.HttpResponse.BodyHandlers.ofString());
                            answerMs.add((System.nanoTime() - t0) / 1e6);
                            statuses.computeIfAbsent(resp.statusCode(), x -> new AtomicLong()).incrementAndGet();
                            if (resp.statusCode() == 429) {
                                refused.incrementAndGet();
                                Thread.sleep(50 + random.nextInt(100)); // a well-behaved client backs off
                            } else if (resp.statusCode() == 200 || resp.statusCode() == 202) {
                                accepted.incrementAndGet();
                                var j = JSON.readTree(resp.body());
                                if (j.has("id")) commandIds.add(java.util.UUID.fromString(j.get("id").asText()));
                                else if (j.has("jobId")) readJobs.add(j.get("jobId").asLong());
                                else readJobs.add(-1L); // answered inline with the reading: done
                            } else {
                                other.incrementAndGet();
                            }
                        } catch (java.io.IOException e) {
                            other.incrementAndGet();
                        }
                    }
                    return null;
                });
            }
            long heapMax = 0, queuedMax = 0;
            long t0 = System.nanoTime();
            while (System.nanoTime() < until) {
                Thread.sleep(1000);
                long used = mem.getHeapMemoryUsage().getUsed();
                long queued = node.services().jobs().countQueuedUrgent();
                heapMax = Math.max(heapMax, used);
                queuedMax = Math.max(queuedMax, queued);
                System.err.printf("overload: %d accepted, %d refused (429), %d other, %d queued, heap %d MB of %d MB, %d open (%.0f s)%n",
                        accepted.get(), refused.get(), other.get(), queued, used >> 20, Runtime.getRuntime().maxMemory() >> 20,
                        node.client().pool().active(), (System.nanoTime() - t0) / 1e9);
            }
            senders.shutdown();
            senders.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
            double sendSecs = (System.nanoTime() - t0) / 1e9;
            long liveAfterGc = 0;
            for (var pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == java.lang.management.MemoryType.HEAP && pool.getCollectionUsage() != null) {
                    liveAfterGc += pool.getCollectionUsage().getUsed();
                }
            }
            System.err.println("sending stopped; waiting for every accepted command and read to finish");
            List<Double> commandLatencies = awaitCommands(node, commandIds, Duration.ofMinutes(10));
            long readsUnfinished = awaitJobs(node, readJobs, Duration.ofMinutes(10));
            double secs = (System.nanoTime() - t0) / 1e9;
            long failed = countFailed(node, commandIds);
            long finished = commandLatencies.size() + failed + readJobs.size() - readsUnfinished;
            out.put("sessionsPerSecond", round(finished / secs));
            out.put("ratio", round3((double) finished / Math.max(1, accepted.get()))); // finished / accepted
            out.put("finished", finished);
            out.put("commandsFailed", failed);
            out.put("p50Ms", round(percentile(answerMs, 0.5)));
            out.put("p99Ms", round(percentile(answerMs, 0.99)));
            out.put("requests", answerMs.size());
            out.put("requestsPerSecond", round(answerMs.size() / sendSecs));
            out.put("accepted", accepted.get());
            out.put("refused429", refused.get());
            out.put("otherAnswers", other.get());
            out.put("statuses", statuses);
            out.put("maxQueuedSetting", maxQueued);
            out.put("queuedMax", queuedMax);
            out.put("heapLimitBytes", Runtime.getRuntime().maxMemory());
            out.put("heapMaxUsedBytes", heapMax);
            out.put("heapLiveAfterGcBytes", liveAfterGc);
            out.put("heapAtStartBytes", heapAtStart);
            out.put("threads", ManagementFactory.getThreadMXBean().getPeakThreadCount());
            out.put("lost", accepted.get() - finished);
            out.put("clients", clients);
            out.put("concurrency", concurrency);
            out.put("latency", latency);
        }
    }

    /** Waits for the on-demand read jobs (-1: answered inline); returns how many did not end. */
    private long awaitJobs(HeadendNode node, List<Long> ids, Duration max) throws InterruptedException {
        long until = System.nanoTime() + max.toNanos();
        List<Long> pending = new ArrayList<>();
        for (long id : ids) if (id >= 0) pending.add(id);
        while (!pending.isEmpty() && System.nanoTime() < until) {
            var views = node.services().jobs().findAll(pending);
            List<Long> still = new ArrayList<>();
            for (long id : pending) {
                String state = views.get(id).state();
                if (state.equals("QUEUED") || state.equals("RUNNING")) still.add(id);
            }
            pending = still;
            System.err.printf("reads: %d still to finish%n", pending.size());
            if (!pending.isEmpty()) Thread.sleep(500);
        }
        return pending.size();
    }

    /** Commands that ended FAILED (with a reason): finished, not lost. */
    private static long countFailed(HeadendNode node, List<java.util.UUID> ids) {
        long n = 0;
        for (java.util.UUID id : ids) if (node.services().commands().find(id).orElseThrow().status().equals("FAILED")) n++;
        return n;
    }

    // ------------------------------------------------------------------ database figures

    private void scheduler(Map<String, Object> out) throws Exception {
        Path data = Files.createTempDirectory("headend-bench");
        Settings s = Settings.load(Optional.empty(), System.getenv()).with("http.port", "0").with("http.host", "127.0.0.1")
                .with("data.dir", data.toString()).with("read.plan.enabled", "false").with("db.pool", "16")
                .with("worker.max.in.flight", "1");
        try (HeadendNode node = HeadendNode.start(HeadendConfig.from(s), Clock.systemUTC())) {
            node.services().worker().stop(Duration.ofSeconds(5)); // measure the queue alone
            var ds = node.services().db().dataSource();
            // 1. a daily plan for 1,000,000 meters
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                st.execute("""
                        INSERT INTO meters (id, serial, host, port, transport, client_sap, server_sap, auth, labels)
                        SELECT lpad(g::text, 18, '0'), 'S' || g, '127.0.0.1', 4059, 'wrapper', 1, 1, 'none', '{}'::jsonb
                          FROM generate_series(1, 1000000) g
                        """);
            }
            long t0 = System.nanoTime();
            var run = node.services().planner().createRun(LocalDate.now(ZONE), Instant.now(), Duration.ofHours(4));
            double planSecs = (System.nanoTime() - t0) / 1e9;
            System.err.printf("plan of %d meters enqueued in %.1f s%n", run.total(), planSecs);
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                st.execute("UPDATE jobs SET run_at = now() - interval '1 minute'");
                st.execute("VACUUM ANALYZE jobs");
            }
            // 2. claim + complete, 4 workers, batches of 500
            JobQueue queue = node.services().jobs();
            int workers = 4;
            ExecutorService pool = Executors.newFixedThreadPool(workers);
            AtomicLong done = new AtomicLong();
            long until = System.nanoTime() + Duration.ofSeconds(duration).toNanos();
            t0 = System.nanoTime();
            List<Future<?>> fs = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                String owner = "bench-" + w;
                fs.add(pool.submit(() -> {
                    while (System.nanoTime() < until) {
                        List<ClaimedJob> jobs = queue.claim(owner, 500, Duration.ofMinutes(5));
                        if (jobs.isEmpty()) break;
                        queue.finishAll(jobs, java.util.Collections.nCopies(jobs.size(), (String) null), owner);
                        done.addAndGet(jobs.size());
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) f.get();
            pool.shutdown();
            double jobsPerSec = done.get() / ((System.nanoTime() - t0) / 1e9);
            System.err.printf("claimed and completed %d jobs: %.0f jobs/s%n", done.get(), jobsPerSec);
            // 3. reads stored per second with a single flusher (for comparison), then through the node's read
            //    writer, second, into the fuller table
            var reads = node.services().reads();
            double rowsPerSecOne = storeReads(reads, 1, 0);
            double rowsPerSec = storeReads(reads, HeadendNode.READ_WRITER_FLUSHERS, 1_000_000);
            out.put("sessionsPerSecond", 0);
            out.put("ratio", 1.0);
            out.put("planMeters", run.total());
            out.put("planSeconds", round(planSecs));
            out.put("jobsClaimedAndCompletedPerSecond", round(jobsPerSec));
            out.put("readRowsPerSecond", round(rowsPerSec));
            out.put("readRowsPerSecondOneFlusher", round(rowsPerSecOne));
            out.put("lost", 0);
        }
    }

    /**
     * Stores 400,000 read rows (four per meter, handed over as sessions do) through the node's read
     * writer with {@code flushers} flushers; the rows are built before the clock starts. Returns rows/s.
     */
    private static double storeReads(ReadStore reads, int flushers, int firstMeter) throws Exception {
        int meters = 100_000;
        Instant midnight = LocalDate.now(ZONE).atStartOfDay(ZONE).toInstant();
        List<List<IndexRead>> perMeter = new ArrayList<>(meters);
        for (int i = firstMeter; i < firstMeter + meters; i++) {
            List<IndexRead> rows = new ArrayList<>(4);
            for (int r = 0; r < 4; r++) {
                rows.add(new IndexRead(String.format("%018d", i + 1), midnight, "1-0:" + (r < 2 ? 1 : 2) + ".8." + (r % 2 + 1) + ".255",
                        java.math.BigDecimal.valueOf(1_000_000L + i), "Wh", IndexRead.Source.DAILY_PROFILE));
            }
            perMeter.add(rows);
        }
        long t0 = System.nanoTime();
        try (BatchWriter<IndexRead> writer = HeadendNode.readWriter(reads, flushers)) {
            List<CompletableFuture<Void>> stored = new ArrayList<>(meters);
            for (List<IndexRead> rows : perMeter) stored.add(writer.add(rows));
            CompletableFuture.allOf(stored.toArray(CompletableFuture[]::new)).get();
        }
        double rowsPerSec = meters * 4.0 / ((System.nanoTime() - t0) / 1e9);
        System.err.printf("stored %d read rows through the read writer with %d flusher(s): %.0f rows/s%n", meters * 4, flushers, rowsPerSec);
        return rowsPerSec;
    }

    /**
     * CPU time of the embedded PostgreSQL (its postmaster, its running processes, and through the
     * postmaster's children's times those that ended, e.g. autovacuum workers), from /proc/PID/stat, in
     * nanoseconds; 0 for a PostgreSQL server, or where there is no /proc.
     */
    private static long embeddedDatabaseCpuNanos(HeadendNode node) {
        return node.services().db().embeddedServerProcess().map(postmaster -> {
            long[] own = procTimes(postmaster);
            return (own[0] + own[1] + own[2] + own[3]) * NANOS_PER_TICK + postmaster.descendants().mapToLong(BenchCommand::cpuNanos).sum();
        }).orElse(0L);
    }

    private static final long NANOS_PER_TICK = 10_000_000L; // USER_HZ = 100

    /** CPU time (user + system) of one process from /proc/PID/stat, in nanoseconds; 0 if it ended or there is no /proc. */
    private static long cpuNanos(ProcessHandle p) {
        long[] t = procTimes(p);
        return (t[0] + t[1]) * NANOS_PER_TICK;
    }

    /** utime, stime, cutime, cstime of a process in clock ticks (zeros if it ended or there is no /proc). */
    private static long[] procTimes(ProcessHandle p) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(p.pid()), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]), Long.parseLong(f[14])};
        } catch (IOException | RuntimeException e) {
            return new long[4];
        }
    }

    private static long countRows(HeadendNode node, String sql) {
        try (Connection c = node.services().db().dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Accepted work that never finished: jobs neither succeeded nor dead. */
    private static long lost(HeadendNode node) {
        return countRows(node, "SELECT count(*) FROM jobs WHERE state IN ('QUEUED', 'RUNNING')");
    }

    private static double percentile(List<Double> values, double q) {
        if (values.isEmpty()) return 0;
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }

    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
