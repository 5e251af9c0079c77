package org.openhes.headend.bench;

import java.lang.management.ManagementFactory;
import java.util.Map;
import org.openhes.headend.scheduler.plans.ReadPlanner;

/**
 * {@code latency}: the daily read over links with {@code --latency} (± {@code --jitter}) per exchange,
 * the simulated fleet in a process of its own, so that the pool, not the CPU, is the limit. Its rate
 * is compared with Little's bound, pool size ÷ mean session time, over the steady window in which the
 * pool is (nearly) full; with {@code --warmup N}, N other meters are read first so that the window is warm.
 */
final class Latency implements Scenario {
    @Override
    public void run(BenchParameters p, Map<String, Object> out) throws Exception {
        int concurrency = p.concurrency();
        try (Rig rig = Rig.start(p, Rig.Setup.of(p).withMeters(p.meters() + p.warmup()).simulatorInOwnProcess()
                .withSettings(Map.of("io.threads", "2")))) {
            if (p.warmup() > 0) rig.warmUp(p.warmup());
            var metrics = rig.node().services().metrics();
            double[] before = metrics.sessionPercentilesMs("daily-read"); // the warm-up's sessions
            var mem = ManagementFactory.getMemoryMXBean();
            System.gc();
            long base = mem.getHeapMemoryUsage().getUsed();
            ReadPlanner.ReadRun run = rig.startReadRun();
            long t0 = System.nanoTime();
            long heapPerSession = 0;
            int peakThreads = 0, peakOpen = 0;
            long fullSince = 0, fullDoneAtStart = 0, fullUntil = 0, fullDoneAtEnd = 0;
            long[] cpuAtStart = null, cpuAtEnd = null; // head-end, simulator, database: CPU over the steady window
            ReadPlanner.Progress pr;
            do {
                Thread.sleep(1000);
                pr = rig.node().services().planner().progress(run.id()).orElseThrow();
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
                        fullDoneAtStart = pr.succeeded() + pr.failed();
                        cpuAtStart = cpuOf(rig);
                    }
                    fullUntil = System.nanoTime();
                    fullDoneAtEnd = pr.succeeded() + pr.failed();
                    cpuAtEnd = cpuOf(rig);
                }
                System.err.printf("latency: %d/%d read, %d failed, %d open, %d waiting for a slot, %d jobs in flight (%.0f s)%n",
                        pr.succeeded(), pr.total(), pr.failed(), open, rig.node().client().pool().waiting(),
                        rig.node().services().worker().inFlight(), (System.nanoTime() - t0) / 1e9);
            } while (pr.pending() > 0);
            double secs = (System.nanoTime() - t0) / 1e9;
            double[] pct = metrics.sessionPercentilesMs("daily-read");
            double meanMs = meanOfRun(pct, before);
            double bound = concurrency / (meanMs / 1000.0);
            double rate = pr.succeeded() / secs;
            double steady = fullUntil > fullSince ? (fullDoneAtEnd - fullDoneAtStart) / ((fullUntil - fullSince) / 1e9) : rate;
            out.put("sessionsPerSecond", Stats.round(steady));
            out.put("ratio", Stats.round3(steady / bound));
            out.put("overallSessionsPerSecond", Stats.round(rate));
            out.put("steadySeconds", Stats.round((fullUntil - fullSince) / 1e9));
            out.put("littleBound", Stats.round(bound));
            out.put("meanSessionMs", Stats.round(meanMs));
            out.put("p50Ms", Stats.round(pct[0]));
            out.put("p99Ms", Stats.round(pct[1]));
            if (cpuAtStart != null && fullDoneAtEnd > fullDoneAtStart) {
                long done = fullDoneAtEnd - fullDoneAtStart;
                out.put("cpuMicrosPerSession", Stats.round((cpuAtEnd[0] - cpuAtStart[0]) / 1e3 / done));
                out.put("simulatorCpuMicrosPerSession", Stats.round((cpuAtEnd[1] - cpuAtStart[1]) / 1e3 / done));
                if (cpuAtEnd[2] > 0) out.put("dbCpuMicrosPerSession", Stats.round((cpuAtEnd[2] - cpuAtStart[2]) / 1e3 / done));
            }
            out.put("heapPerSessionBytes", heapPerSession);
            out.put("peakSessionsOpen", peakOpen);
            out.put("threads", peakThreads);
            out.put("lost", rig.deadJobs());
            out.put("unfinished", rig.unfinishedJobs());
            out.put("meters", p.meters());
            out.put("warmupMeters", p.warmup());
            out.put("concurrency", concurrency);
            out.put("latency", BenchParameters.text(p.latency()));
            out.put("jitter", BenchParameters.text(p.jitter()));
        }
    }

    /** The mean session time of the measured run alone (the warm-up's sessions taken out), in ms. */
    private static double meanOfRun(double[] after, double[] before) {
        double n = after[2] - before[2];
        return n > 0 ? (after[2] * after[3] - before[2] * before[3]) / n : after[3];
    }

    /** CPU time so far of the head-end (this process), the simulator's process and the embedded database. */
    private static long[] cpuOf(Rig rig) {
        return new long[] {ProcessCpu.thisJvm(), rig.simulator() == null ? 0 : ProcessCpu.of(rig.simulator().toHandle()),
                ProcessCpu.embeddedDatabase(rig.node())};
    }
}
