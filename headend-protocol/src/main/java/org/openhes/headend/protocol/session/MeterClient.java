package org.openhes.headend.protocol.session;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
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

    /** The public client: no security, reads the invocation counter. */
    public static final int PUBLIC_CLIENT_SAP = 16;

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

    /** Runs {@code work} in a session with {@code target}; see the class comment. */
    public <T> CompletableFuture<T> withSession(MeterTarget target, String operation,
                                                Function<MeterSession, CompletableFuture<T>> work) {
        return withSession(target, operation, Options.DEFAULT, work).thenApply(Outcome::value);
    }

    public <T> CompletableFuture<Outcome<T>> withSession(MeterTarget target, String operation, Options options,
                                                         Function<MeterSession, CompletableFuture<T>> work) {
        String host = target.endpoint().host();
        Instant asked = clock.instant();
        return pool.acquire(target.meterId(), host, target.group(), options.urgent()).thenCompose(permit -> {
            Instant started = clock.instant();
            events.slotGranted(operation, Duration.between(asked, started));
            events.sessionStarted(operation);
            CompletableFuture<Outcome<T>> run = runAfterCounterCheck(target, operation, options, work);
            CompletableFuture<Outcome<T>> bounded = run.orTimeout(timeouts.session().toMillis(), TimeUnit.MILLISECONDS);
            return bounded.handle((outcome, error) -> {
                permit.release();
                MeterException failure = error == null ? null : failure(target, error);
                events.sessionEnded(operation, failure == null ? null : failure.kind(), Duration.between(started, clock.instant()));
                if (failure != null) throw failure;
                return outcome;
            });
        });
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

    private <T> CompletableFuture<Outcome<T>> runAfterCounterCheck(MeterTarget target, String operation, Options options,
                                                                  Function<MeterSession, CompletableFuture<T>> work) {
        CompletableFuture<Void> ready = options.readCounterFirst() && target.security().ciphered()
                ? resynchronise(target) : CompletableFuture.completedFuture(null);
        return ready.thenCompose(v -> attempt(target, operation, options, work).exceptionallyCompose(e -> {
            MeterException m = MeterException.find(e);
            if (m == null || !target.security().ciphered()) return CompletableFuture.failedFuture(e);
            if (m.kind() == MeterFailureKind.INVOCATION_COUNTER_OUT_OF_SYNC) {
                // The meter has seen a higher counter (another head-end, a restored backup): catch up once.
                events.counterResynchronised();
                return resynchronise(target).thenCompose(x -> attempt(target, operation, options, work));
            }
            if (m.kind() == MeterFailureKind.AUTHENTICATION_FAILED && m.step() != null && m.step().startsWith("associate AARQ")) {
                // Many meters answer a stale counter with a plain deciphering error: look at the meter's
                // counter; only if it is ahead of ours is it a counter problem, otherwise the keys are wrong.
                return resynchroniseIfBehind(target).thenCompose(behind -> {
                    if (!behind) return CompletableFuture.<Outcome<T>>failedFuture(m);
                    events.counterResynchronised();
                    return attempt(target, operation, options, work);
                });
            }
            return CompletableFuture.failedFuture(e);
        }));
    }

    /** Reads the meter's counter through the public client and moves the store past it. */
    private CompletableFuture<Void> resynchronise(MeterTarget target) {
        MeterTarget pub = new MeterTarget(target.meterId(), target.endpoint().withClientSap(PUBLIC_CLIENT_SAP),
                MeterSecurity.none(), target.profile());
        return attempt(pub, "counter-resync", Options.DEFAULT, MeterSession::readInvocationCounter)
                .thenCompose(o -> counters.advancePast(target.meterId(), target.endpoint().clientSap(), o.value()));
    }

    /** Reads the meter's counter; when it is at or past what we would use next, moves the store past it. */
    private CompletableFuture<Boolean> resynchroniseIfBehind(MeterTarget target) {
        MeterTarget pub = new MeterTarget(target.meterId(), target.endpoint().withClientSap(PUBLIC_CLIENT_SAP),
                MeterSecurity.none(), target.profile());
        int sap = target.endpoint().clientSap();
        return attempt(pub, "counter-resync", Options.DEFAULT, MeterSession::readInvocationCounter).thenCompose(o ->
                counters.reserve(target.meterId(), sap, 1).thenCompose(ours -> {
                    if (o.value() < ours) return CompletableFuture.completedFuture(false);
                    return counters.advancePast(target.meterId(), sap, o.value()).thenApply(v -> true);
                }));
    }

    /** One connection: connect, open, work, release, close. */
    private <T> CompletableFuture<Outcome<T>> attempt(MeterTarget target, String operation, Options options,
                                                     Function<MeterSession, CompletableFuture<T>> work) {
        return connector.connect(target.label(), target.endpoint(), timeouts.connect(), options.trace()).thenCompose(link -> {
            MeterSession session = new MeterSession(target, link, counters, cache, timeouts, clock);
            CompletableFuture<T> result = session.open().thenCompose(v -> work.apply(session)).handle((value, error) -> {
                if (error != null) throw session.failure(error);
                return value;
            });
            return result
                    .handle((value, error) -> error)
                    .thenCompose(error -> (error == null ? session.release() : CompletableFuture.<Void>completedFuture(null))
                            .handle((v, e) -> null))
                    .thenCompose(v -> {
                        events.requestsSent(operation, link.framesSent());
                        return link.close();
                    })
                    .thenCompose(v -> result.thenApply(value -> new Outcome<>(value, traceOf(link))));
        });
    }


    private static List<WireTrace.Entry> traceOf(MeterLink link) {
        return link.trace() == null ? List.of() : link.trace().entries();
    }
}
