package org.openhes.headend.scheduler.commands;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.openhes.headend.scheduler.db.Sql;
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
     * it held the command or was overridden (null otherwise).
     */
    public record NewCommand(String meterId, String type, String paramsJson, String caller, String idempotencyKey,
                             Instant deadline, String callbackUrl, GuardNote guard) {
        public NewCommand(String meterId, String type, String paramsJson, String caller, String idempotencyKey,
                          Instant deadline, String callbackUrl) {
            this(meterId, type, paramsJson, caller, idempotencyKey, deadline, callbackUrl, null);
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
        String hash = hash(n.meterId() + "|" + n.type() + "|" + n.paramsJson() + "|" + n.deadline() + "|" + n.callbackUrl());
        if (n.idempotencyKey() != null) {
            Optional<Command> existing = byKey(n.caller(), n.idempotencyKey(), hash);
            if (existing.isPresent()) return new Submitted(existing.get(), false);
        }
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        try {
            Sql.tx(ds, c -> {
                try (PreparedStatement ps = c.prepareStatement("""
                        INSERT INTO commands (id, meter_id, type, params, caller, idempotency_key, request_hash, status,
                                              deadline, callback_url, created_at, updated_at)
                        VALUES (?, ?, ?, ?::jsonb, ?, ?, ?, 'QUEUED', ?, ?, ?, ?)
                        """)) {
                    ps.setObject(1, id);
                    ps.setString(2, n.meterId());
                    ps.setString(3, n.type());
                    ps.setString(4, n.paramsJson());
                    ps.setString(5, n.caller());
                    ps.setString(6, n.idempotencyKey());
                    ps.setString(7, hash);
                    ps.setTimestamp(8, Sql.ts(n.deadline()));
                    ps.setString(9, n.callbackUrl());
                    ps.setTimestamp(10, Sql.ts(now));
                    ps.setTimestamp(11, Sql.ts(now));
                    ps.executeUpdate();
                }
                try (PreparedStatement h = c.prepareStatement("INSERT INTO command_history VALUES (?, ?, 'QUEUED', NULL)")) {
                    h.setObject(1, id);
                    h.setTimestamp(2, Sql.ts(now));
                    h.executeUpdate();
                }
                boolean joins = joinsNextSession(n, now);
                Instant runAt = n.guard() != null && n.guard().heldUntil() != null ? n.guard().heldUntil()
                        : joins ? n.deadline().minus(JOIN_MARGIN) : now;
                jobs.enqueue(c, new JobQueue.NewJob(JobType.COMMAND, n.meterId(), n.paramsJson(), runAt, n.deadline(), null, id, joins));
                if (n.guard() != null && n.guard().heldUntil() != null) {
                    JobQueue.markHeld(c, id, n.guard().heldRule(), n.guard().heldUntil(), now);
                }
                if (n.guard() != null && n.guard().overrideBy() != null) {
                    org.openhes.headend.scheduler.guard.GuardStore.recordOverride(c, id, n.guard().overrideBy(), n.guard().overrideReason(),
                            n.guard().overriddenRule());
                }
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
        boolean held = n.guard() != null && n.guard().heldUntil() != null;
        return new Submitted(new Command(id, n.meterId(), n.type(), n.paramsJson(), held ? "HELD" : "QUEUED", 0, null, null, n.deadline(),
                n.callbackUrl(), now, now, held ? n.guard().heldRule() : null, held ? n.guard().heldUntil() : null), true);
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
