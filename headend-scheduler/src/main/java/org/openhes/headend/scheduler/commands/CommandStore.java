package org.openhes.headend.scheduler.commands;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.sql.Connection;
import javax.sql.DataSource;
import org.openhes.headend.scheduler.db.Sql;
import org.openhes.headend.scheduler.db.StoreException;
import org.openhes.headend.scheduler.guard.GuardStore;
import org.openhes.headend.scheduler.jobs.JobQueue;
import org.openhes.headend.scheduler.jobs.JobType;

/**
 * Remote commands as the platform asked for them: stored with the caller's idempotency key and queued
 * as a job in the same transaction, so an accepted command is never lost.
 */
public final class CommandStore {
    private final DataSource ds;
    private final JobQueue jobs;
    private final InstantSource clock;

    public CommandStore(DataSource ds, JobQueue jobs, InstantSource clock) {
        this.ds = ds;
        this.jobs = jobs;
        this.clock = clock;
    }

    /**
     * A command as accepted. {@code guard}: what the disconnection guard said of it at acceptance, when
     * it held the command or was overridden (null otherwise); {@code notBefore}: it does not run before then.
     */
    public record NewCommand(String meterId, String type, String paramsJson, String caller, String idempotencyKey,
                             Instant deadline, String callbackUrl, GuardNote guard, Instant notBefore) {
        public NewCommand(String meterId, String type, String paramsJson, String caller, String idempotencyKey,
                          Instant deadline, String callbackUrl) {
            this(meterId, type, paramsJson, caller, idempotencyKey, deadline, callbackUrl, null, null);
        }

        public NewCommand(String meterId, String type, String paramsJson, String caller, String idempotencyKey,
                          Instant deadline, String callbackUrl, GuardNote guard) {
            this(meterId, type, paramsJson, caller, idempotencyKey, deadline, callbackUrl, guard, null);
        }
    }

    /**
     * The guard's part in an accepted command: held by {@code heldRule} until {@code heldUntil}, or
     * let through by {@code overrideBy}'s override of {@code overriddenRule} for {@code overrideReason}.
     */
    public record GuardNote(String heldRule, Instant heldUntil, String overrideBy, String overrideReason, String overriddenRule) {
        public static GuardNote held(String rule, Instant until) {
            return new GuardNote(rule, until, null, null, null);
        }

        public static GuardNote overridden(String by, String reason, String rule) {
            return new GuardNote(null, null, by, reason, rule);
        }
    }

    public record Command(UUID id, String meterId, String type, String paramsJson, String status, int attempts,
                          String resultJson, String error, Instant deadline, String callbackUrl, Instant createdAt,
                          Instant updatedAt, String heldRule, Instant heldUntil) {
    }

    /** The same key with another request. */
    public static final class IdempotencyConflict extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public IdempotencyConflict(String key) {
            super("Idempotency-Key " + key + " was already used with a different request");
        }
    }

    /** The stored command and whether this call created it. */
    public record Submitted(Command command, boolean created) {
    }

    /** A command that may wait for the meter's next session still gets this long of its own before its deadline. */
    public static final java.time.Duration JOIN_MARGIN = java.time.Duration.ofHours(1);

    /**
     * Whether a command waits for the meter's next scheduled session (the daily read) rather than opening
     * one of its own: a balance display whose deadline leaves it time. It runs on its own at its deadline
     * less {@link #JOIN_MARGIN} if no session of the meter came first.
     */
    static boolean joinsNextSession(NewCommand n, Instant now) {
        return n.type().equals("DISPLAY_BALANCE") && n.deadline() != null && n.deadline().isAfter(now.plus(JOIN_MARGIN.multipliedBy(2)));
    }

    public Submitted submit(NewCommand n) {
        // the guard's verdict is not part of the request: a repeat with the same key is the same command
        String hash = requestHash(n);
        if (n.idempotencyKey() != null) {
            Optional<Command> existing = byKey(n.caller(), n.idempotencyKey(), hash);
            if (existing.isPresent()) return new Submitted(existing.get(), false);
        }
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        try {
            Sql.tx(ds, c -> {
                insertAll(c, List.of(n), List.of(id), List.of(hash), now);
                return null;
            });
        } catch (RuntimeException e) {
            // A concurrent request with the same key won the race: answer with its command.
            if (n.idempotencyKey() != null) {
                Optional<Command> existing = byKey(n.caller(), n.idempotencyKey(), hash);
                if (existing.isPresent()) return new Submitted(existing.get(), false);
            }
            throw e;
        }
        return new Submitted(created(n, id, now), true);
    }

    /** One line of a bulk order: the stored command and whether it was created, or the key's conflict. */
    public record BulkOutcome(Command command, boolean created, String conflict) {
    }

    /** Lines of a bulk order stored per transaction. */
    static final int BULK_CHUNK = 1000;

    /**
     * Many commands at once, in transactions of {@value #BULK_CHUNK}: each line's key is looked up for
     * the whole chunk in one query, and the new ones inserted in batches. Outcomes come in the order of
     * {@code lines}; a key used before with another request is that line's conflict. A chunk that meets
     * a concurrent submission of one of its keys is taken again line by line.
     */
    public List<BulkOutcome> submitAll(List<NewCommand> lines) {
        List<BulkOutcome> out = new ArrayList<>(lines.size());
        for (int from = 0; from < lines.size(); from += BULK_CHUNK) {
            List<NewCommand> chunk = lines.subList(from, Math.min(lines.size(), from + BULK_CHUNK));
            try {
                out.addAll(Sql.tx(ds, c -> submitChunk(c, chunk)));
            } catch (StoreException e) {
                for (NewCommand n : chunk) {
                    try {
                        Submitted s = submit(n);
                        out.add(new BulkOutcome(s.command(), s.created(), null));
                    } catch (IdempotencyConflict conflict) {
                        out.add(new BulkOutcome(null, false, conflict.getMessage()));
                    }
                }
            }
        }
        return out;
    }

    private List<BulkOutcome> submitChunk(Connection c, List<NewCommand> chunk) throws SQLException {
        Instant now = clock.instant();
        // earlier uses of the chunk's keys (by caller: a key is the caller's own)
        Map<String, String[]> known = new HashMap<>();
        Map<String, List<String>> keysByCaller = new HashMap<>();
        for (NewCommand n : chunk) {
            if (n.idempotencyKey() != null) keysByCaller.computeIfAbsent(n.caller(), k -> new ArrayList<>()).add(n.idempotencyKey());
        }
        for (var e : keysByCaller.entrySet()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT idempotency_key, id::text, request_hash FROM commands WHERE caller = ? AND idempotency_key = ANY(?)")) {
                ps.setString(1, e.getKey());
                ps.setArray(2, c.createArrayOf("text", e.getValue().toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) known.put(e.getKey() + "|" + rs.getString(1), new String[] {rs.getString(2), rs.getString(3)});
                }
            }
        }
        List<NewCommand> fresh = new ArrayList<>();
        List<UUID> ids = new ArrayList<>();
        List<String> hashes = new ArrayList<>();
        BulkOutcome[] outcomes = new BulkOutcome[chunk.size()];
        List<Integer> repeats = new ArrayList<>();
        for (int k = 0; k < chunk.size(); k++) {
            NewCommand n = chunk.get(k);
            String hash = requestHash(n);
            String[] before = n.idempotencyKey() == null ? null : known.get(n.caller() + "|" + n.idempotencyKey());
            if (before != null) {
                if (!before[1].equals(hash)) outcomes[k] = new BulkOutcome(null, false, new IdempotencyConflict(n.idempotencyKey()).getMessage());
                else repeats.add(k);
                continue;
            }
            UUID id = UUID.randomUUID();
            if (n.idempotencyKey() != null) known.put(n.caller() + "|" + n.idempotencyKey(), new String[] {id.toString(), hash});
            fresh.add(n);
            ids.add(id);
            hashes.add(hash);
            outcomes[k] = new BulkOutcome(created(n, id, now), true, null);
        }
        insertAll(c, fresh, ids, hashes, now);
        if (!repeats.isEmpty()) {
            Map<UUID, Command> earlier = findAll(c, repeats.stream().map(k -> UUID.fromString(known.get(chunk.get(k).caller() + "|"
                    + chunk.get(k).idempotencyKey())[0])).toList());
            // (a repeat of a line earlier in this chunk finds it too: it was inserted in this transaction)
            for (int k : repeats) {
                UUID id = UUID.fromString(known.get(chunk.get(k).caller() + "|" + chunk.get(k).idempotencyKey())[0]);
                outcomes[k] = new BulkOutcome(earlier.get(id), false, null);
            }
        }
        return List.of(outcomes);
    }

    /** Inserts new commands, their history and their jobs in batches, in the caller's transaction. */
    private void insertAll(Connection c, List<NewCommand> lines, List<UUID> ids, List<String> hashes, Instant now) throws SQLException {
        if (lines.isEmpty()) return;
        List<JobQueue.NewJob> newJobs = new ArrayList<>(lines.size());
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO commands (id, meter_id, type, params, caller, idempotency_key, request_hash, status,
                                      deadline, callback_url, created_at, updated_at)
                VALUES (?, ?, ?, ?::jsonb, ?, ?, ?, 'QUEUED', ?, ?, ?, ?)
                """); PreparedStatement h = c.prepareStatement("INSERT INTO command_history VALUES (?, ?, 'QUEUED', NULL)")) {
            for (int k = 0; k < lines.size(); k++) {
                NewCommand n = lines.get(k);
                UUID id = ids.get(k);
                ps.setObject(1, id);
                ps.setString(2, n.meterId());
                ps.setString(3, n.type());
                ps.setString(4, n.paramsJson());
                ps.setString(5, n.caller());
                ps.setString(6, n.idempotencyKey());
                ps.setString(7, hashes.get(k));
                ps.setTimestamp(8, Sql.ts(n.deadline()));
                ps.setString(9, n.callbackUrl());
                ps.setTimestamp(10, Sql.ts(now));
                ps.setTimestamp(11, Sql.ts(now));
                ps.addBatch();
                h.setObject(1, id);
                h.setTimestamp(2, Sql.ts(now));
                h.addBatch();
                boolean joins = joinsNextSession(n, now);
                Instant runAt = n.guard() != null && n.guard().heldUntil() != null ? n.guard().heldUntil()
                        : joins ? n.deadline().minus(JOIN_MARGIN) : n.notBefore() != null && n.notBefore().isAfter(now) ? n.notBefore() : now;
                newJobs.add(new JobQueue.NewJob(JobType.COMMAND, n.meterId(), n.paramsJson(), runAt, n.deadline(), null, id, joins));
            }
            ps.executeBatch();
            h.executeBatch();
        }
        jobs.enqueueAll(c, newJobs);
        for (int k = 0; k < lines.size(); k++) {
            GuardNote g = lines.get(k).guard();
            if (g == null) continue;
            if (g.heldUntil() != null) JobQueue.markHeld(c, ids.get(k), g.heldRule(), g.heldUntil(), now);
            if (g.overrideBy() != null) GuardStore.recordOverride(c, ids.get(k), g.overrideBy(), g.overrideReason(), g.overriddenRule());
        }
    }

    private static Command created(NewCommand n, UUID id, Instant now) {
        boolean held = n.guard() != null && n.guard().heldUntil() != null;
        return new Command(id, n.meterId(), n.type(), n.paramsJson(), held ? "HELD" : "QUEUED", 0, null, null, n.deadline(),
                n.callbackUrl(), now, now, held ? n.guard().heldRule() : null, held ? n.guard().heldUntil() : null);
    }

    private static String requestHash(NewCommand n) {
        return hash(n.meterId() + "|" + n.type() + "|" + n.paramsJson() + "|" + n.deadline() + "|" + n.callbackUrl()
                + (n.notBefore() == null ? "" : "|" + n.notBefore()));
    }

    private Optional<Command> byKey(String caller, String key, String hash) {
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, request_hash FROM commands WHERE caller = ? AND idempotency_key = ?")) {
                ps.setString(1, caller);
                ps.setString(2, key);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return Optional.<UUID>empty();
                    if (!rs.getString(2).equals(hash)) throw new IdempotencyConflict(key);
                    return Optional.of((UUID) rs.getObject(1));
                }
            }
        }).flatMap(this::find);
    }

    private static Map<UUID, Command> findAll(Connection c, List<UUID> ids) throws SQLException {
        Map<UUID, Command> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT id, meter_id, type, params::text, status, attempts, result::text, error, deadline, callback_url,
                       created_at, updated_at, held_rule, held_until FROM commands WHERE id = ANY(?)
                """)) {
            ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Command cmd = command(rs);
                    out.put(cmd.id(), cmd);
                }
            }
        }
        return out;
    }

    /** Several commands in one query (those that exist), e.g. to follow a batch of them. */
    public Map<UUID, Command> findAll(List<UUID> ids) {
        return ids.isEmpty() ? Map.of() : Sql.tx(ds, c -> findAll(c, ids));
    }

    public Optional<Command> find(UUID id) {
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT id, meter_id, type, params::text, status, attempts, result::text, error, deadline, callback_url,
                           created_at, updated_at, held_rule, held_until FROM commands WHERE id = ?
                    """)) {
                ps.setObject(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(command(rs)) : Optional.<Command>empty();
                }
            }
        });
    }

    private static Command command(ResultSet rs) throws SQLException {
        return new Command((UUID) rs.getObject(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getInt(6), rs.getString(7), rs.getString(8), Sql.instant(rs.getTimestamp(9)), rs.getString(10),
                Sql.instant(rs.getTimestamp(11)), Sql.instant(rs.getTimestamp(12)), rs.getString(13), Sql.instant(rs.getTimestamp(14)));
    }

    static String hash(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
