package org.openhes.headend.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.openhes.headend.api.node.HeadendNode;
import org.openhes.headend.scheduler.commands.CommandStore;

/**
 * What became of accepted commands once a scenario stops waiting: succeeded (with the time from
 * acceptance to the state read back), failed with a reason (lost: they will never complete), vanished
 * (lost too), or still queued, held or running (unfinished: neither done nor lost).
 */
record CommandOutcomes(List<Double> succeededMs, long failed, long vanished, long unfinished) {
    long lost() {
        return failed + vanished;
    }

    void putInto(Map<String, Object> out) {
        out.put("p50Ms", Stats.round(Stats.percentile(succeededMs, 0.5)));
        out.put("p99Ms", Stats.round(Stats.percentile(succeededMs, 0.99)));
        out.put("succeeded", succeededMs.size());
        out.put("failed", failed);
        out.put("lost", lost());
        out.put("unfinished", unfinished);
    }

    /** Polls (one query per 5,000 commands) until every command has ended or {@code max} has passed. */
    static CommandOutcomes await(HeadendNode node, List<UUID> ids, Duration max) throws InterruptedException {
        long until = System.nanoTime() + max.toNanos();
        List<Double> succeeded = new ArrayList<>();
        long failed = 0, vanished = 0;
        List<UUID> pending = new ArrayList<>(ids);
        while (!pending.isEmpty() && System.nanoTime() < until) {
            Thread.sleep(500);
            List<UUID> still = new ArrayList<>();
            Map<UUID, CommandStore.Command> found = new java.util.HashMap<>();
            for (int from = 0; from < pending.size(); from += 5_000) {
                found.putAll(node.services().commands().findAll(pending.subList(from, Math.min(pending.size(), from + 5_000))));
            }
            for (UUID id : pending) {
                CommandStore.Command c = found.get(id);
                if (c == null) {
                    vanished++;
                    continue;
                }
                switch (c.status()) {
                    case "QUEUED", "RUNNING", "HELD" -> still.add(id);
                    case "SUCCEEDED" -> succeeded.add((double) Duration.between(c.createdAt(), c.updatedAt()).toMillis());
                    default -> failed++;
                }
            }
            pending = still;
            System.err.printf("commands: %d/%d done%n", ids.size() - pending.size(), ids.size());
        }
        return new CommandOutcomes(succeeded, failed, vanished, pending.size());
    }
}
