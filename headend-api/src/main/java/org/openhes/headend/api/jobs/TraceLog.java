package org.openhes.headend.api.jobs;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openhes.headend.protocol.transport.WireTrace;

/**
 * The last traced sessions of recently traced meters, for field engineers (in memory, per node,
 * bounded: {@value #METERS} meters × {@value #PER_METER} sessions). Traces hold frames as sent: ciphered
 * APDUs and masked passwords, never keys.
 */
public final class TraceLog {
    static final int METERS = 1000, PER_METER = 5;

    /** One traced session. */
    public record Session(Instant at, String operation, String outcome, List<WireTrace.Entry> frames) {
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
