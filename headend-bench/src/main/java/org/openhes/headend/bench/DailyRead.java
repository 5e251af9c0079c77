package org.openhes.headend.bench;

import java.time.Duration;
import java.util.Map;

/**
 * {@code daily-read}: the fleet's daily read through the whole service (plan, queue, pool, sessions,
 * reads stored), simulated meters in this process and no link latency, so that it is CPU-bound; with
 * {@code --warmup N}, N other meters are read first, not measured.
 *
 * <p>Beside its rate it prints the bounds measured in the same run: the codec ceiling (both halves of a
 * session in memory), the transport floor (the same connections and frames without DLMS), and the
 * embedded database's CPU per session. {@code efficiency} is the rate divided by what these cores would
 * reach if a session cost only the codec's, the transport's and the database's CPU; what the JVM spends
 * per session beyond the codec and the transport is {@code beyondFloorCpuMicrosPerSession}.
 */
final class DailyRead implements Scenario {
    @Override
    public void run(BenchParameters p, Map<String, Object> out) throws Exception {
        CodecCeiling.Figures codec = CodecCeiling.measure(Duration.ofSeconds(10));
        TransportFloor.Figures transport = TransportFloor.measure(p.concurrency(), Duration.ofSeconds(10));
        int meters = p.meters();
        try (Rig rig = Rig.start(p, Rig.Setup.of(p).withMeters(meters + p.warmup()))) {
            if (p.warmup() > 0) rig.warmUp(p.warmup());
            var metrics = rig.node().services().metrics();
            double requests0 = metrics.requestFrames("daily-read");
            long cpu0 = ProcessCpu.thisJvm();
            long dbCpu0 = ProcessCpu.embeddedDatabase(rig.node());
            long commits0 = rig.commits();
            double secs = rig.runReadRun("daily-read");
            double cpuUs = (ProcessCpu.thisJvm() - cpu0) / 1e3 / meters;
            double dbCpuUs = (ProcessCpu.embeddedDatabase(rig.node()) - dbCpu0) / 1e3 / meters;
            double rate = meters / secs;
            Thread.sleep(1500); // the server publishes its transaction counts at most every second
            double commitsPerSession = (double) (rig.commits() - commits0) / meters;
            double[] pct = metrics.sessionPercentilesMs("daily-read");
            out.put("sessionsPerSecond", Stats.round(rate));
            out.put("ratio", Stats.round3(rate / codec.sessionsPerSecond()));
            out.put("codecSessionsPerSecond", Stats.round(codec.sessionsPerSecond()));
            out.put("transportSessionsPerSecond", Stats.round(transport.sessionsPerSecond()));
            out.put("boundRatio", Stats.round3(transport.boundRatio(codec)));
            out.put("p50Ms", Stats.round(pct[0]));
            out.put("p99Ms", Stats.round(pct[1]));
            out.put("cpuMicrosPerSession", Stats.round(cpuUs));
            out.put("codecCpuMicrosPerSession", Stats.round(codec.cpuMicrosPerSession()));
            out.put("transportCpuMicrosPerSession", Stats.round(transport.cpuMicrosPerSession()));
            out.put("beyondFloorCpuMicrosPerSession", Stats.round(cpuUs - codec.cpuMicrosPerSession() - transport.cpuMicrosPerSession()));
            if (dbCpuUs > 0) {
                out.put("dbCpuMicrosPerSession", Stats.round(dbCpuUs));
                double floorUs = codec.cpuMicrosPerSession() + transport.cpuMicrosPerSession() + dbCpuUs;
                double boundRate = Runtime.getRuntime().availableProcessors() * 1e6 / floorUs;
                out.put("boundSessionsPerSecond", Stats.round(boundRate));
                out.put("efficiency", Stats.round3(rate / boundRate));
            }
            out.put("dbCommitsPerSession", Stats.round3(commitsPerSession));
            out.put("requestsPerSession", Stats.round((metrics.requestFrames("daily-read") - requests0) / meters));
            out.put("readsStored", rig.count("SELECT count(*) FROM daily_reads r JOIN meters m ON m.id = r.meter_id WHERE m.status = 'active'"));
            out.put("lost", rig.deadJobs());
            out.put("unfinished", rig.unfinishedJobs());
            out.put("meters", meters);
            out.put("concurrency", p.concurrency());
            out.put("warmupMeters", p.warmup());
        }
    }
}
