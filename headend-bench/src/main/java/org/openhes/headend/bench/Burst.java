package org.openhes.headend.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.openhes.headend.api.node.HeadendNode;
import org.openhes.headend.scheduler.commands.CommandStore;

/**
 * {@code burst}: a reconnection for every meter of the fleet at once (after a grid incident, say),
 * submitted from 8 threads as many platform clients would; compared with Little's bound of the pool.
 */
final class Burst implements Scenario {
    @Override
    public void run(BenchParameters p, Map<String, Object> out) throws Exception {
        try (Rig rig = Rig.start(p, Rig.Setup.of(p))) {
            HeadendNode node = rig.node();
            List<UUID> ids = Collections.synchronizedList(new ArrayList<>());
            long t0 = System.nanoTime();
            ExecutorService submitters = Executors.newFixedThreadPool(8);
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < p.meters(); i++) {
                int m = i;
                fs.add(submitters.submit(() -> ids.add(node.services().commands().submit(new CommandStore.NewCommand(
                        rig.ean(m), "RECONNECT", "{\"type\":\"RECONNECT\"}", "bench", "burst-" + m, null, null)).command().id())));
            }
            for (Future<?> f : fs) f.get();
            submitters.shutdown();
            double submitSecs = (System.nanoTime() - t0) / 1e9;
            node.services().worker().nudge();
            CommandOutcomes outcomes = CommandOutcomes.await(node, ids, Duration.ofMinutes(10));
            double secs = (System.nanoTime() - t0) / 1e9;
            double[] pct = node.services().metrics().sessionPercentilesMs("reconnect");
            double bound = p.concurrency() / (pct[3] / 1000.0);
            outcomes.putInto(out);
            out.put("sessionsPerSecond", Stats.round(ids.size() / secs));
            out.put("ratio", Stats.round3(ids.size() / secs / bound));
            out.put("littleBound", Stats.round(bound));
            out.put("seconds", Stats.round(secs));
            out.put("submitSeconds", Stats.round(submitSecs));
            out.put("commands", ids.size());
            out.put("concurrency", p.concurrency());
            out.put("latency", BenchParameters.text(p.latency()));
        }
    }
}
