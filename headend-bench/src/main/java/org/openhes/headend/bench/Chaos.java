package org.openhes.headend.bench;

import java.util.Map;
import org.openhes.headend.simulator.FaultRates;

/**
 * {@code chaos}: the daily read with 2 % of each fault (hang-ups, stalls, garbled frames, refusals,
 * slow answers) and one meter in 200 with the wrong keys. Every read must be stored once, every
 * wrong-key meter end dead with AUTHENTICATION_FAILED, and nothing else be lost.
 */
final class Chaos implements Scenario {
    @Override
    public void run(BenchParameters p, Map<String, Object> out) throws Exception {
        FaultRates faults = new FaultRates(0.02, 0.02, 0.02, 0.02, 0.02);
        int wrong = Math.max(1, p.meters() / 200);
        try (Rig rig = Rig.start(p, Rig.Setup.of(p).withFaults(faults, wrong)
                .withSettings(Map.of("retry.base", "1s", "retry.max", "4s", "response.timeout", "2s")))) {
            double secs = rig.runReadRun("chaos");
            var run = rig.node().services().planner().latest().orElseThrow();
            long wrongDead = rig.count("SELECT count(*) FROM jobs WHERE state = 'DEAD' AND last_failure_kind = 'AUTHENTICATION_FAILED'");
            out.put("sessionsPerSecond", Stats.round(run.succeeded() / secs));
            out.put("ratio", Stats.round3((double) run.succeeded() / run.total())); // read ÷ meters
            out.put("injected", rig.fleet().injectedFaults());
            out.put("wrongKeyMeters", wrong);
            out.put("read", run.succeeded());
            out.put("dead", run.failed());
            out.put("deadWithAuthenticationFailed", wrongDead);
            out.put("retriedJobs", rig.count("SELECT count(*) FROM jobs WHERE attempts > 1"));
            out.put("metersWithReads", rig.count("SELECT count(DISTINCT meter_id) FROM daily_reads WHERE source = 'DAILY_PROFILE'"));
            out.put("lost", run.failed() - wrongDead); // dead for another reason than the wrong keys put there on purpose
            out.put("unfinished", rig.unfinishedJobs());
            out.put("duplicated", rig.count("SELECT count(*) - count(DISTINCT (meter_id, obis, captured_at)) FROM daily_reads"));
            out.put("seconds", Stats.round(secs));
        }
    }
}
