package org.openhes.headend.bench;

import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.openhes.headend.protocol.MeterEndpoint;
import org.openhes.headend.protocol.model.MeterProfile;
import org.openhes.headend.protocol.model.MeterSecurity;
import org.openhes.headend.protocol.model.MeterTarget;
import org.openhes.headend.protocol.session.CodecLoop;
import org.openhes.headend.simulator.MeterIdentity;
import org.openhes.headend.simulator.SimulatedFleet;
import org.openhes.headend.simulator.SimulatorConfig;

/**
 * {@code codec}: complete daily-read sessions in memory (client and simulated meter in one call chain,
 * no sockets, no database) on as many threads as cores: the ceiling the networked figures are divided by.
 */
final class CodecCeiling implements Scenario {
    /** Sessions per second and CPU per session (client and meter halves together). */
    record Figures(double sessionsPerSecond, double cpuMicrosPerSession) {
    }

    @Override
    public void run(BenchParameters p, Map<String, Object> out) throws Exception {
        Figures f = measure(p.duration());
        out.put("sessionsPerSecond", Stats.round(f.sessionsPerSecond()));
        out.put("ratio", 1.0);
        out.put("cpuMicrosPerSession", Stats.round(f.cpuMicrosPerSession()));
        out.put("lost", 0);
    }

    static Figures measure(Duration d) throws Exception {
        SimulatorConfig cfg = SimulatorConfig.builder().meters(64).port(0).build();
        int threads = Runtime.getRuntime().availableProcessors();
        LocalDate day = LocalDate.now(Rig.ZONE);
        try (SimulatedFleet fleet = SimulatedFleet.start(cfg)) {
            byte[] title = HexFormat.of().parseHex("4F48450000000001");
            sessions(fleet, title, day, threads, Duration.ofSeconds(3)); // warm-up
            long cpu0 = ProcessCpu.thisJvm();
            long t0 = System.nanoTime();
            long sessions = sessions(fleet, title, day, threads, d);
            double secs = (System.nanoTime() - t0) / 1e9;
            double cpuUs = (ProcessCpu.thisJvm() - cpu0) / 1e3 / sessions;
            System.err.printf("codec: %d sessions in %.1f s on %d threads%n", sessions, secs, threads);
            return new Figures(sessions / secs, cpuUs);
        }
    }

    private static long sessions(SimulatedFleet fleet, byte[] title, LocalDate day, int threads, Duration d) throws Exception {
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
                    CodecLoop.dailyReadSession(target, meter::handle, Math.max(ic, fleet.state(i).nextInvocationCounter()), day, Rig.ZONE);
                    done.incrementAndGet();
                }
                return null;
            }));
        }
        for (Future<?> f : fs) f.get();
        pool.shutdown();
        return done.get();
    }
}
