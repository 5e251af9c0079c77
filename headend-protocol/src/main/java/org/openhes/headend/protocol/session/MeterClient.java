package org.openhes.headend.protocol.session;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.openhes.headend.protocol.MeterException;
import org.openhes.headend.protocol.MeterFailureKind;
import org.openhes.headend.protocol.model.MeterSecurity;
import org.openhes.headend.protocol.model.MeterTarget;
import org.openhes.headend.protocol.pool.SessionPool;
import org.openhes.headend.protocol.transport.MeterConnector;
import org.openhes.headend.protocol.transport.MeterLink;
import org.openhes.headend.protocol.transport.WireTrace;

/**
 * The entry point of the protocol layer: runs a unit of work against a meter inside one session.
 * <pre>
 * pool slot → TCP connect → associate (resynchronising the invocation counter once if the meter says
 * so) → work → release → close → pool slot freed
 * </pre>
 * Everything is asynchronous; the returned future fails with a {@link MeterException}.
 */
public final class MeterClient {
    /** Per-call choices. */
    public record Options(boolean trace, boolean readCounterFirst, boolean urgent) {
        public static final Options DEFAULT = new Options(false, false, false);
        public static final Options URGENT = new Options(false, false, true);

        public Options(boolean trace, boolean readCounterFirst) {
            this(trace, readCounterFirst, false);
        }
    }

    /** The work's result and, if asked, the session's wire trace. */
    public record Outcome<T>(T value, List<WireTrace.Entry> trace) {
    }

    private final MeterConnector connector;
    private final SessionPool pool;
    private final InvocationCounterStore counters;
    private final MeterMetadataCache cache;
    private final Timeouts timeouts;
    private final InstantSource clock;
    private final SessionEvents events;

    public MeterClient(MeterConnector connector, SessionPool pool, InvocationCounterStore counters, MeterMetadataCache cache,
                       Timeouts timeouts, InstantSource clock, SessionEvents events) {
        this.connector = connector;
        this.pool = pool;
        this.counters = counters;
        this.cache = cache;
        this.timeouts = timeouts;
        this.clock = clock;
        this.events = events;
    }

    public SessionPool pool() {
        return pool;
    }

    /** Work offered to a session that ended (or never was) before running it: run it in a session of its own. */
    public static final class NotJoined extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public NotJoined() {
            super("no open session with the meter took the work", null, false, false);
        }
    }

    /** The sessions this client runs (or is about to), by meter, with the work joining them. */
    private final java.util.concurrent.ConcurrentHashMap<String, SessionMailbox> mailboxes = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Runs {@code work} in the session this client runs with the meter (or is about to): urgent work as
     * soon as the session's current request completes, other work after the session's own operation,
     * before the release. Fails with {@link NotJoined} when there is no such session, or when it ends
     * first; the caller then runs the work with {@link #withSession}.
     */
    public <T> CompletableFuture<T> join(String meterId, String operation, boolean urgent, Function<MeterSession, CompletableFuture<T>> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        SessionMailbox box = mailboxes.get(meterId);
        if (box == null || !box.offer(new SessionMailbox.Joined<>(operation, urgent, work, result))) {
            result.completeExceptionally(new NotJoined());
        }
        return result;
    }

    /** Whether this client runs a session with the meter now (the work joining it would run). */
    public boolean inSession(String meterId) {
        return mailboxes.containsKey(meterId);
    }

    /** Runs {@code work} in a session with {@code target}; see the class comment. */
    public <T> CompletableFuture<T> withSession(MeterTarget target, String operation,
                                                Function<MeterSession, CompletableFuture<T>> work) {
        return withSession(target, operation, Options.DEFAULT, work).thenApply(Outcome::value);
    }

    public <T> CompletableFuture<Outcome<T>> withSession(MeterTarget target, String operation, Options options,
                                                         Function<MeterSession, CompletableFuture<T>> work) {
        String host = target.endpoint().host();
        Instant asked = clock.instant();
        // work for this meter may join the session from now on (the first session of a meter owns the mailbox)
        SessionMailbox mine = new SessionMailbox();
        SessionMailbox box = mailboxes.putIfAbsent(target.meterId(), mine) == null ? mine : null;
        return pool.acquire(target.meterId(), host, target.group(), options.urgent()).whenComplete((p, e) -> {
            if (e != null) closeMailbox(target, box);
        }).thenCompose(permit -> {
            Instant started = clock.instant();
            events.slotGranted(operation, Duration.between(asked, started));
            events.sessionStarted(operation);
            List<WireTrace.Entry> trace = Collections.synchronizedList(new ArrayList<>());
            CompletableFuture<T> run = runAfterCounterCheck(target, operation, options, trace, work, box);
            CompletableFuture<T> bounded = run.orTimeout(timeouts.session().toMillis(), TimeUnit.MILLISECONDS);
            return bounded.handle((value, error) -> {
                closeMailbox(target, box);
                permit.release();
                MeterException failure = error == null ? null : failure(target, error);
                events.sessionEnded(operation, failure == null ? null : failure.kind(), Duration.between(started, clock.instant()));
                List<WireTrace.Entry> frames;
                synchronized (trace) {
                    frames = List.copyOf(trace);
                }
                if (failure != null) throw options.trace() ? failure.withTrace(frames) : failure;
                return new Outcome<>(value, frames);
            });
        });
    }

    private void closeMailbox(MeterTarget target, SessionMailbox box) {
        if (box == null) return;
        mailboxes.remove(target.meterId(), box);
        box.close();
    }

    private MeterException failure(MeterTarget target, Throwable error) {
        MeterException m = MeterException.find(error);
        if (m != null) return m;
        Throwable c = error.getCause() != null ? error.getCause() : error;
        if (c instanceof TimeoutException) {
            return new MeterException(MeterFailureKind.SESSION_TIMEOUT, target.label(), "session",
                    "not finished within " + timeouts.session().toMillis() + " ms");
        }
        return new MeterException(MeterFailureKind.MALFORMED_RESPONSE, target.label(), "session", c.toString(), c);
    }

    /**
     * The session, and the one retry a meter's answer can call for: after an invocation-counter error
     * (the counter resynchronised through the public client), after a deciphering error at the AARQ when
     * the meter's counter turns out ahead of ours, and after a hang-up right after the AARQ (what many
     * meters do with wrong keys or a counter below theirs): the counter is read through the public
     * client, the session tried once more, and a second hang-up at the same step is
     * {@link MeterFailureKind#AUTHENTICATION_SUSPECTED}. A meter whose public client is not answered
     * either is dropping every connection: that is the first failure, as it came.
     */
    private <T> CompletableFuture<T> runAfterCounterCheck(MeterTarget target, String operation, Options options,
                                                          List<WireTrace.Entry> trace, Function<MeterSession, CompletableFuture<T>> work,
                                                          SessionMailbox box) {
        boolean ciphered = target.security().ciphered();
        CompletableFuture<Void> ready = options.readCounterFirst() && ciphered
                ? resynchronise(target, options, trace) : CompletableFuture.completedFuture(null);
        return ready.thenCompose(v -> attempt(target, operation, options, trace, work, box).exceptionallyCompose(e -> {
            MeterException m = MeterException.find(e);
            if (m == null) return CompletableFuture.failedFuture(e);
            if (hungUpAfterAarq(m)) {
                // Whether the meter talks to its public client tells a dropped link from a refused AARQ.
                CompletableFuture<Boolean> counterChecked = ciphered ? resynchroniseIfBehind(target, options, trace)
                        : attempt(publicClient(target), "public-association", options, trace, s -> CompletableFuture.completedFuture(false), null);
                return counterChecked.handle((behind, unreachable) -> unreachable == null ? behind : null).thenCompose(behind -> {
                    if (behind == null) return CompletableFuture.<T>failedFuture(m); // the meter drops every connection
                    if (behind) events.counterResynchronised();
                    return attempt(target, operation, options, trace, work, box).exceptionallyCompose(again -> {
                        MeterException m2 = MeterException.find(again);
                        if (m2 == null || !hungUpAfterAarq(m2)) return CompletableFuture.failedFuture(again);
                        return CompletableFuture.failedFuture(new MeterException(MeterFailureKind.AUTHENTICATION_SUSPECTED,
                                target.label(), "associate AARQ", "the meter closed the connection right after the AARQ twice"
                                + (behind ? ", after our invocation counter was moved past the meter's," : "")
                                + " while its public client was answered", m2));
                    });
                });
            }
            if (!ciphered) return CompletableFuture.failedFuture(e);
            if (m.kind() == MeterFailureKind.INVOCATION_COUNTER_OUT_OF_SYNC) {
                // The meter has seen a higher counter (another head-end, a restored backup): catch up once.
                events.counterResynchronised();
                return resynchronise(target, options, trace).thenCompose(x -> attempt(target, operation, options, trace, work, box));
            }
            if (m.kind() == MeterFailureKind.AUTHENTICATION_FAILED && m.step() != null && m.step().startsWith("associate AARQ")) {
                // Many meters answer a stale counter with a plain deciphering error: look at the meter's
                // counter; only if it is ahead of ours is it a counter problem, otherwise the keys are wrong.
                return resynchroniseIfBehind(target, options, trace).thenCompose(behind -> {
                    if (!behind) return CompletableFuture.<T>failedFuture(m);
                    events.counterResynchronised();
                    return attempt(target, operation, options, trace, work, box);
                });
            }
            return CompletableFuture.failedFuture(e);
        }));
    }

    private static boolean hungUpAfterAarq(MeterException m) {
        return m.kind() == MeterFailureKind.CONNECTION_LOST && "associate AARQ".equals(m.step());
    }

    /** The public client's view of the meter: same address, the profile's public SAP, no security. */
    private static MeterTarget publicClient(MeterTarget target) {
        return new MeterTarget(target.meterId(), target.endpoint().withClientSap(target.profile().publicClientSap()),
                MeterSecurity.none(), target.profile());
    }

    /** Reads the meter's counter through the public client and moves the store past it. */
    private CompletableFuture<Void> resynchronise(MeterTarget target, Options options, List<WireTrace.Entry> trace) {
        return attempt(publicClient(target), "counter-resync", options, trace, s -> s.reads().invocationCounter(), null)
                .thenCompose(value -> counters.advancePast(target.meterId(), target.endpoint().clientSap(), value));
    }

    /** Reads the meter's counter; when it is at or past what we would use next, moves the store past it. */
    private CompletableFuture<Boolean> resynchroniseIfBehind(MeterTarget target, Options options, List<WireTrace.Entry> trace) {
        int sap = target.endpoint().clientSap();
        return attempt(publicClient(target), "counter-resync", options, trace, s -> s.reads().invocationCounter(), null).thenCompose(value ->
                counters.reserve(target.meterId(), sap, 1).thenCompose(ours -> {
                    if (value < ours) return CompletableFuture.completedFuture(false);
                    return counters.advancePast(target.meterId(), sap, value).thenApply(v -> true);
                }));
    }

    /** One connection: connect, open, work, release, close; its frames go to {@code trace} when traced. */
    private <T> CompletableFuture<T> attempt(MeterTarget target, String operation, Options options, List<WireTrace.Entry> trace,
                                             Function<MeterSession, CompletableFuture<T>> work, SessionMailbox box) {
        return connector.connect(target.label(), target.endpoint(), timeouts.connect(), options.trace()).thenCompose(link -> {
            MeterSession session = new MeterSession(target, link, counters, cache, timeouts, clock);
            if (box != null) session.interjectFrom(box, events);
            CompletableFuture<T> result = session.open()
                    .thenCompose(v -> work.apply(session))
                    // the work that joined the session runs after the session's own operation, before the release
                    .thenCompose(value -> box == null ? CompletableFuture.completedFuture(value)
                            : session.runJoined(box, events).thenApply(v -> value))
                    .handle((value, error) -> {
                if (error != null) throw session.failure(error);
                return value;
            });
            return result
                    .handle((value, error) -> error)
                    .thenCompose(error -> (error == null ? session.release() : CompletableFuture.<Void>completedFuture(null))
                            .handle((v, e) -> null))
                    .thenCompose(v -> {
                        events.requestsSent(operation, link.framesSent());
                        if (link.trace() != null) trace.addAll(link.trace().entries());
                        return link.close();
                    })
                    .thenCompose(v -> result);
        });
    }
}
