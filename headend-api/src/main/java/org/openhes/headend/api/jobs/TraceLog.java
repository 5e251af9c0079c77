package org.openhes.headend.api.jobs;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openhes.headend.protocol.MeterException;
import org.openhes.headend.protocol.model.MeterTarget;
import org.openhes.headend.protocol.trace.TraceDecoder;
import org.openhes.headend.protocol.trace.TraceJson;
import org.openhes.headend.protocol.transport.WireTrace;

/**
 * The last traced sessions of recently traced meters, for field engineers (in memory, per node,
 * bounded: {@value #METERS} meters × {@value #PER_METER} sessions), failed ones included. Each frame is
 * kept deciphered and decoded ({@link TraceJson}): passwords, challenges and their answers masked,
 * keys never kept.
 */
public final class TraceLog {
    static final int METERS = 1000, PER_METER = 5;

    /** One traced session: its frames decoded, and the failure when it failed. */
    public record Session(Instant at, String operation, String outcome, String failure, List<Map<String, Object>> frames) {
        /** Decodes {@code entries} with the session's own keys, which are used here and not kept. */
        public static Session of(Instant at, String operation, MeterTarget target, List<WireTrace.Entry> entries, MeterException failure) {
            var frames = TraceJson.toMaps(TraceDecoder.forSession(target.endpoint().transport(), target.security()).decode(entries));
            return new Session(at, operation, failure == null ? "SUCCEEDED" : failure.kind().name(),
                    failure == null ? null : failure.getMessage(), frames);
        }
    }

    private final Map<String, Deque<Session>> byMeter = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Deque<Session>> eldest) {
            return size() > METERS;
        }
    };

    public synchronized void add(String meterId, Session s) {
        Deque<Session> d = byMeter.computeIfAbsent(meterId, k -> new ArrayDeque<>());
        if (d.size() == PER_METER) d.removeFirst();
        d.addLast(s);
    }

    public synchronized List<Session> of(String meterId) {
        Deque<Session> d = byMeter.get(meterId);
        return d == null ? List.of() : List.copyOf(d);
    }
}
