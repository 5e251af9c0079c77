package org.openhes.headend.api.jobs;

import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.openhes.headend.protocol.MeterException;
import org.openhes.headend.protocol.model.LogEntry;
import org.openhes.headend.protocol.model.MeterLog;
import org.openhes.headend.protocol.session.MeterSession;
import org.openhes.headend.scheduler.events.EventStore;

/**
 * The logs part of a daily read: each of the meter's logs read from its newest stored entry on (that
 * entry included: a repeat stores nothing twice), no further back than the catch-up window, and the
 * alarm register. A non-zero alarm register is stored as an event before it is cleared, in the session,
 * so that no alarm is cleared unrecorded. A log the meter refuses or lacks does not fail the daily read:
 * the outcome names it.
 */
public final class EventLogCollection {
    private final EventStore events;
    private final Executor db;
    private final InstantSource clock;
    private final ZoneId zone;
    private final int catchUpDays;

    public EventLogCollection(EventStore events, Executor db, InstantSource clock, ZoneId zone, int catchUpDays) {
        this.events = events;
        this.db = db;
        this.clock = clock;
        this.zone = zone;
        this.catchUpDays = catchUpDays;
    }

    /** What the session gave: the log entries to store, the alarm bits seen, and what could not be read. */
    record Outcome(List<EventStore.LogEvent> entries, long alarmBits, List<String> problems) {
    }

    CompletableFuture<Outcome> read(MeterSession s, String meterId) {
        Instant window = clock.instant().atZone(zone).toLocalDate().minusDays(catchUpDays).atStartOfDay(zone).toInstant();
        Instant to = clock.instant();
        List<EventStore.LogEvent> entries = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        long[] alarm = {0};
        CompletableFuture<Map<String, Instant>> lastStored = CompletableFuture.supplyAsync(() -> events.lastLogEntries(meterId), db);
        CompletableFuture<Void> chain = lastStored.thenAccept(m -> { });
        for (MeterLog log : MeterLog.values()) {
            chain = chain.thenCompose(v -> {
                Instant last = lastStored.join().get(log.key());
                Instant from = last != null && last.isAfter(window) ? last : window;
                return tolerated(s.eventLogs().entries(log, from, to), log.key(), problems)
                        .thenAccept(found -> { if (found != null) for (LogEntry e : found) entries.add(event(e)); });
            });
        }
        chain = chain.thenCompose(v -> tolerated(s.eventLogs().alarmRegister(), "alarm register", problems))
                .thenCompose(bits -> {
                    if (bits == null || bits == 0) return CompletableFuture.completedFuture(null);
                    alarm[0] = bits;
                    boolean clear = s.profile().logs().clearAlarmRegister();
                    return CompletableFuture.runAsync(() -> events.record(meterId, "ALARM_REGISTER", clock.instant(),
                                    "{\"bits\":" + bits + ",\"hex\":\"" + String.format("0x%08X", bits) + "\",\"cleared\":" + clear + "}"), db)
                            .thenCompose(stored -> clear ? s.eventLogs().clearAlarmRegister() : CompletableFuture.completedFuture(null));
                });
        return chain.thenApply(v -> new Outcome(entries, alarm[0], problems));
    }

    /** Stores the entries (one statement); completes with how many were new. */
    CompletableFuture<Integer> store(String meterId, Outcome outcome) {
        if (outcome.entries().isEmpty()) return CompletableFuture.completedFuture(0);
        return CompletableFuture.supplyAsync(() -> events.recordLogEntries(meterId, outcome.entries()), db);
    }

    /** An entry as the event it is stored as: type the log, payload its event's name and its code or duration. */
    static EventStore.LogEvent event(LogEntry e) {
        String value = e.log() == MeterLog.POWER_FAILURE_LOG ? "\"durationSeconds\":" + e.value() : "\"code\":" + e.value();
        String payload = "{\"log\":\"" + e.log().key() + "\",\"event\":\"" + e.eventName() + "\"," + value + "}";
        return new EventStore.LogEvent(e.log().key(), e.at(), e.value(), e.log().name(), payload);
    }

    /** The read's value, or null with the problem noted when the meter refuses or lacks the object. */
    private static <T> CompletableFuture<T> tolerated(CompletableFuture<T> read, String what, List<String> problems) {
        return read.handle((v, e) -> {
            if (e == null) return CompletableFuture.completedFuture(v);
            MeterException m = MeterException.find(e);
            if (m != null && switch (m.kind()) {
                case OBJECT_UNAVAILABLE, ACCESS_DENIED, REQUEST_REFUSED, MALFORMED_RESPONSE -> true;
                default -> false;
            }) {
                problems.add(what + ": " + m.kind());
                return CompletableFuture.<T>completedFuture(null);
            }
            return CompletableFuture.<T>failedFuture(e);
        }).thenCompose(f -> f);
    }
}
