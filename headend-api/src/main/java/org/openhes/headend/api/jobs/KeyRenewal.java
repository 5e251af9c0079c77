package org.openhes.headend.api.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.openhes.headend.api.node.MeterDirectory;
import org.openhes.headend.protocol.MeterException;
import org.openhes.headend.protocol.MeterFailureKind;
import org.openhes.headend.protocol.session.MeterClient;
import org.openhes.headend.protocol.session.MeterSession;
import org.openhes.headend.scheduler.counters.KeyVersionPins;
import org.openhes.headend.scheduler.events.EventStore;
import org.openhes.headend.scheduler.jobs.ClaimedJob;
import org.openhes.headend.scheduler.jobs.JobResult;
import org.openhes.headend.scheduler.keys.KeyVault;
import org.openhes.headend.scheduler.keys.KeyVault.KeyVersion;
import org.openhes.headend.scheduler.keys.MeterSecrets;
import org.openhes.headend.scheduler.counters.InvocationCounters;
import org.openhes.headend.scheduler.meters.Meter;
import org.openhes.headend.scheduler.meters.MeterRegistry;

/**
 * A meter's HLS keys renewed, crash-safe at every step:
 * <ol>
 * <li>new keys drawn and stored as the <em>pending</em> version (encrypted) before anything is sent;</li>
 * <li>sent with {@code global_key_transfer}, wrapped under the meter's master key (KEK), in a session
 *     with the active keys;</li>
 * <li>a new association opened with the pending keys, and only then the pending version made active
 *     and the old one retired.</li>
 * </ol>
 * A job that finds a pending version (a crash or a lost link left it) first finds out which keys the
 * meter holds: the active ones (send again) or the pending ones (activate); a meter that refused the
 * transfer keeps its keys and the pending version is abandoned. No session runs with a key the
 * database does not hold, and each key version has its own invocation counter (pinned for sessions
 * with the pending keys), so a meter that resets its counter on a key change and one that keeps it
 * both work; the result says when a meter kept a counter near its end.
 */
public final class KeyRenewal {
    /** The steps a crash can follow, for fault injection ({@code key.renewal.crash.at}). */
    public enum Step { STORED, TRANSFERRED, CONFIRMED }

    /** Called after each step; the node's is a no-op unless a test asks it to halt there. */
    @FunctionalInterface
    public interface StepHook {
        void after(Step step, String meterId);
    }

    private final MeterRegistry registry;
    private final KeyVault vault;
    private final MeterDirectory directory;
    private final MeterClient client;
    private final KeyVersionPins pins;
    private final InvocationCounters counters;
    private final EventStore events;
    private final Executor db;
    private final java.time.InstantSource clock;
    private final StepHook hook;
    private final long counterWarning;
    private final SecureRandom random = new SecureRandom();

    public KeyRenewal(MeterRegistry registry, KeyVault vault, MeterDirectory directory, MeterClient client, KeyVersionPins pins,
                      InvocationCounters counters, EventStore events, Executor db, java.time.InstantSource clock, StepHook hook,
                      long counterWarning) {
        this.counters = counters;
        this.registry = registry;
        this.vault = vault;
        this.directory = directory;
        this.client = client;
        this.pins = pins;
        this.events = events;
        this.db = db;
        this.clock = clock;
        this.hook = hook;
        this.counterWarning = counterWarning;
    }

    /** A renewal of the meter is being settled (its pending keys may be in the meter already): other jobs wait for it. */
    boolean underWay(String meterId) {
        return vault.renewalUnderWay(meterId);
    }

    /** How long a job refused for its keys waits for a renewal under way to settle. */
    static final java.time.Duration WAIT_FOR_SETTLEMENT = java.time.Duration.ofSeconds(30);

    /** What a renewal job knows before its first session. */
    private record Start(Meter meter, KeyVersion active, Optional<KeyVersion> pending) {
    }

    CompletableFuture<JobResult> run(ClaimedJob job, JsonNode payload) {
        String which = payload.path("keys").asText("both");
        return CompletableFuture.supplyAsync(() -> start(job.meterId()), db).thenCompose(start -> {
            if (start == null) return done(JobResult.failure("UNKNOWN_METER", false, "meter " + job.meterId() + " is not registered"));
            Meter m = start.meter();
            if (!m.auth().equals("hls-gmac")) {
                return done(JobResult.failure("INVALID_REQUEST", false, "meter " + m.id() + " uses " + m.auth() + ", not hls-gmac: it has no keys to renew"));
            }
            if (start.active().secrets().kek() == null) {
                return done(JobResult.failure("MASTER_KEY_MISSING", false, "no master key (KEK) is registered for meter " + m.id()
                        + ": import it (the kek column of the registry) before renewing its keys"));
            }
            if (start.pending().isPresent()) return settle(job, m, start.active(), start.pending().get());
            return CompletableFuture.supplyAsync(() -> vault.storePending(m.id(), fresh(start.active(), which)), db).thenCompose(stored -> {
                if (stored.isEmpty()) return done(JobResult.failure("RENEWAL_IN_PROGRESS", true, "another renewal of meter " + m.id() + " stored its keys first"));
                hook.after(Step.STORED, m.id());
                return transfer(job, m, start.active(), stored.get());
            });
        });
    }

    private Start start(String meterId) {
        Optional<Meter> meter = registry.find(meterId);
        Optional<KeyVersion> active = vault.active(meterId);
        if (meter.isEmpty() || active.isEmpty()) return null;
        return new Start(meter.get(), active.get(), vault.pending(meterId));
    }

    /** The active secrets with new random keys where asked; the KEK and password stay. */
    private MeterSecrets fresh(KeyVersion active, String which) {
        byte[] ek = which.equals("ak") ? null : randomKey(), ak = which.equals("ek") ? null : randomKey();
        return active.secrets().withKeys(ek, ak);
    }

    private byte[] randomKey() {
        byte[] k = new byte[16];
        random.nextBytes(k);
        return k;
    }

    /** Sends the pending keys in a session with the active ones, then confirms them. */
    private CompletableFuture<JobResult> transfer(ClaimedJob job, Meter m, KeyVersion active, KeyVersion pending) {
        byte[] kek = active.secrets().kek();
        byte[] ek = changed(active.secrets().ek(), pending.secrets().ek()), ak = changed(active.secrets().ak(), pending.secrets().ak());
        return session(m, active, "key-transfer", s -> s.keys().transfer(kek, ek, ak))
                .thenCompose(v -> {
                    hook.after(Step.TRANSFERRED, m.id());
                    return confirm(m, active, pending);
                })
                .exceptionallyCompose(e -> {
                    MeterException f = MeterException.find(e);
                    if (f != null && refusedTransfer(f)) {
                        return CompletableFuture.supplyAsync(() -> {
                            vault.abandon(m.id(), pending.version());
                            record(m.id(), "KEY_RENEWAL_REFUSED", pending.version(), f.getMessage());
                            return JobResult.failure("KEY_TRANSFER_REFUSED", false, "meter " + m.id() + " refused the new keys and keeps version "
                                    + active.version() + ": " + f.getMessage() + "; check the meter's master key (KEK) in the registry");
                        }, db);
                    }
                    JobResult r = MeterJobs.failure(job, e);
                    if (f != null && !f.retryable() && beforeTheTransfer(f)) {
                        // refused before anything was sent (the active keys themselves): the pending version cannot be in the meter
                        return CompletableFuture.supplyAsync(() -> {
                            vault.abandon(m.id(), pending.version());
                            return r;
                        }, db);
                    }
                    // the link dropped or timed out: the meter may hold either key; the next attempt finds out which
                    return done(new JobResult(false, null, r.failureKind(), r.retryable(), "the key transfer of version " + pending.version()
                            + " did not complete (the next attempt finds out which keys the meter holds): " + r.message(), null));
                });
    }

    /** The session failed while it connected or associated: the transfer's ACTION was never sent. */
    private static boolean beforeTheTransfer(MeterException f) {
        String step = f.step() == null ? "" : f.step();
        return step.startsWith("connect") || step.startsWith("associate");
    }

    /** A new association with the pending keys; it succeeding makes them active. */
    private CompletableFuture<JobResult> confirm(Meter m, KeyVersion active, KeyVersion pending) {
        return session(m, pending, "key-confirm", s -> s.reads().clock())
                .thenCompose(t -> {
                    hook.after(Step.CONFIRMED, m.id());
                    return activate(m, active, pending);
                });
    }

    /**
     * A pending version from an earlier attempt: the active keys still open the meter (the transfer did
     * not take: send again), or the pending ones do (it took: activate), or neither (stop: an operator
     * must look).
     */
    private CompletableFuture<JobResult> settle(ClaimedJob job, Meter m, KeyVersion active, KeyVersion pending) {
        return session(m, active, "key-probe-active", s -> s.reads().clock())
                .thenCompose(t -> transfer(job, m, active, pending))
                .exceptionallyCompose(e -> {
                    if (!refusedKeys(MeterException.find(e))) return done(MeterJobs.failure(job, e));
                    return session(m, pending, "key-probe-pending", s -> s.reads().clock())
                            .thenCompose(t -> activate(m, active, pending))
                            .exceptionallyCompose(e2 -> refusedKeys(MeterException.find(e2))
                                    ? done(JobResult.failure("KEYS_UNKNOWN", false, "meter " + m.id() + " refuses both its active key version "
                                    + active.version() + " (" + MeterException.find(e).getMessage() + ") and the pending version "
                                    + pending.version() + " (" + MeterException.find(e2).getMessage() + "): check the meter on site; both versions are kept"))
                                    : done(MeterJobs.failure(job, e2)));
                });
    }

    private CompletableFuture<JobResult> activate(Meter m, KeyVersion active, KeyVersion pending) {
        return CompletableFuture.supplyAsync(() -> {
            vault.activate(m.id(), pending.version());
            long next = counterAfter(m);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("meterId", m.id());
            result.put("activeVersion", pending.version());
            result.put("retiredVersion", active.version());
            result.put("keys", changed(active.secrets().ek(), pending.secrets().ek()) == null ? "ak"
                    : changed(active.secrets().ak(), pending.secrets().ak()) == null ? "ek" : "both");
            result.put("invocationCounter", next);
            if (next > InvocationCounters.LIMIT - counterWarning) {
                result.put("warning", "the meter kept its invocation counter across the key change: the new key has as little headroom as the old");
            }
            record(m.id(), "KEY_RENEWED", pending.version(), null);
            return JobResult.success(MeterJobs.json(result));
        }, db);
    }

    private long counterAfter(Meter m) {
        return counters.next(m.id(), m.clientSap()).orElse(0);
    }

    /** A session with one key version: its own target, its own counter (pinned while it runs). */
    private <T> CompletableFuture<T> session(Meter m, KeyVersion keys, String operation, Function<MeterSession, CompletableFuture<T>> work) {
        pins.pin(m.id(), keys.version());
        CompletableFuture<T> f;
        try {
            f = client.withSession(directory.target(m, keys.secrets()), operation, work);
        } catch (RuntimeException e) {
            pins.unpin(m.id());
            throw e;
        }
        return f.whenComplete((v, e) -> pins.unpin(m.id()));
    }

    private static boolean refusedTransfer(MeterException f) {
        return f.kind() == MeterFailureKind.REQUEST_REFUSED || f.kind().name().equals("KEY_TRANSFER_REFUSED");
    }

    private static boolean refusedKeys(MeterException f) {
        return f != null && (f.kind() == MeterFailureKind.AUTHENTICATION_FAILED || f.kind() == MeterFailureKind.AUTHENTICATION_SUSPECTED);
    }

    /** The new key when it differs from the old, else null (not sent). */
    private static byte[] changed(byte[] old, byte[] now) {
        return java.util.Arrays.equals(old, now) ? null : now;
    }

    private void record(String meterId, String type, int version, String detail) {
        try {
            String payload = MeterJobs.JSON.createObjectNode().put("version", version).put("detail", detail).toString();
            events.record(meterId, type, clock.instant(), payload);
        } catch (RuntimeException e) {
            // the vault holds the truth; the event is for people
        }
    }

    private static CompletableFuture<JobResult> done(JobResult r) {
        return CompletableFuture.completedFuture(r);
    }
}
