package org.openhes.headend.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.openhes.headend.api.node.HeadendNode;
import org.openhes.headend.scheduler.commands.CommandStore;

/**
 * {@code commands-under-load}: {@code --rate} power-limit commands per second for {@code --duration}
 * while the fleet's daily read runs. A command for a meter whose read is in progress runs in that
 * read's association. The bound is the command's own session: the figure to watch is
 * {@code p99OverSessionP99Ms}, acceptance-to-state-read-back p99 less the p99 of a command's session.
 */
final class CommandsUnderLoad implements Scenario {
    @Override
    public void run(BenchParameters p, Map<String, Object> out) throws Exception {
        try (Rig rig = Rig.start(p, Rig.Setup.of(p))) {
            HeadendNode node = rig.node();
            rig.startReadRun();
            Random random = new Random(7);
            List<UUID> ids = new ArrayList<>();
            long until = System.nanoTime() + p.duration().toNanos();
            long gap = 1_000_000_000L / p.rate();
            long next = System.nanoTime();
            while (System.nanoTime() < until) {
                var sub = node.services().commands().submit(new CommandStore.NewCommand(rig.ean(random.nextInt(p.meters())),
                        "SET_POWER_LIMIT", "{\"type\":\"SET_POWER_LIMIT\",\"watts\":2300}", "bench", null, null, null));
                ids.add(sub.command().id());
                node.services().worker().nudge();
                next += gap;
                long sleep = next - System.nanoTime();
                if (sleep > 0) Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
            }
            CommandOutcomes outcomes = CommandOutcomes.await(node, ids, Duration.ofMinutes(5));
            var readProgress = node.services().planner().latest().orElseThrow();
            var metrics = node.services().metrics();
            double[] sessions = metrics.sessionPercentilesMs("set_power_limit");
            double[] slot = metrics.slotWaitPercentilesMs("set_power_limit");
            outcomes.putInto(out);
            double p99 = Stats.percentile(outcomes.succeededMs(), 0.99);
            out.put("sessionsPerSecond", p.rate());
            out.put("ratio", sessions[1] > 0 ? Stats.round3(p99 / sessions[1]) : 0.0); // p99 ÷ the command session's p99
            out.put("commands", ids.size());
            out.put("commandSessionP50Ms", Stats.round(sessions[0]));
            out.put("commandSessionP99Ms", Stats.round(sessions[1]));
            out.put("commandSessions", (long) sessions[2]);
            out.put("p99OverSessionP99Ms", Stats.round(p99 - sessions[1]));
            out.put("slotWaitP50Ms", Stats.round(slot[0]));
            out.put("slotWaitP99Ms", Stats.round(slot[1]));
            out.put("joinedReadSessions", rig.count("SELECT count(*) FROM jobs WHERE type = 'COMMAND' AND rides_on IS NOT NULL"));
            out.put("readsDoneDuringRun", readProgress.succeeded());
            out.put("meters", p.meters());
            out.put("concurrency", p.concurrency());
            out.put("latency", BenchParameters.text(p.latency()));
            out.put("jitter", BenchParameters.text(p.jitter()));
        }
    }
}
