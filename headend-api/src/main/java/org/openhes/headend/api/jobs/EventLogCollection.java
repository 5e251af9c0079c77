package org.openhes.headend.api.jobs;

import static org.openhes.headend.api.jobs.MeterJobs.JSON;

import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.openhes.headend.protocol.model.LogEntry;
import org.openhes.headend.protocol.model.MeterLog;
import org.openhes.headend.protocol.session.MeterSession;
import org.openhes.headend.scheduler.events.EventStore;
import org.openhes.headend.scheduler.jobs.ClaimedJob;

/**
 * The logs part of a daily read: each of the meter's logs read from its newest stored entry on (that
 * entry included: a repeat stores nothing twice), no further back than the catch-up window, and the
 * alarm register. A non-zero alarm register is stored as an event before it is cleared, in the session,
 * so that no alarm is cleared unrecorded. A log the meter refuses or lacks does not fail the daily read:
 * the outcome names it. The newest stored entries of every claimed meter are looked up once per batch.
 */
public final class EventLogCollection {
    private final EventStore events;
    private final Executor db;
    private final InstantSource clock;
    private final ZoneId zone;
    private final int catchUpDays;
    private final Map<String, Map<String, Instant>> lastEntries = new ConcurrentHashMap<>();

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

    /** Looks up the newest stored entry of each log of the batch's meters (one query). */
    void prepare(List<ClaimedJob> dailyReads) {
        if (dailyReads.isEmpty()) return;
        List<String> meters = dailyReads.stream().map(ClaimedJob::meterId).distinct().toList();
        Map<String, Map<String, Instant>> found = events.lastLogEntries(meters);
        for (String m : meters) lastEntries.put(m, found.getOrDefault(m, Map.of()));
    }

    CompletableFuture<Outcome> read(MeterSession s, String meterId) {
        Map<String, Instant> prepared = lastEntries.remove(meterId);
        CompletableFuture<Map<String, Instant>> last = prepared != null ? CompletableFuture.completedFuture(prepared)
                : CompletableFuture.supplyAsync(() -> events.lastLogEntries(List.of(meterId)).getOrDefault(meterId, Map.of()), db);
        List<EventStore.LogEvent> entries = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        return last.thenCompose(stored -> readLogs(s, stored, entries, problems))
                .thenCompose(v -> Refusals.tolerated(s.eventLogs().alarmRegister(), m -> {
                    problems.add("alarm register: " + m.kind());
                    return 0L;
                }))
                .thenCompose(bits -> bits == 0 ? CompletableFuture.completedFuture(bits) : recordThenClear(s, meterId, bits))
                .thenApply(bits -> new Outcome(entries, bits, problems));
    }

    /** The logs one after the other (a session runs one request at a time), each from its newest stored entry. */
    private CompletableFuture<Void> readLogs(MeterSession s, Map<String, Instant> stored, List<EventStore.LogEvent> entries,
                                             List<String> problems) {
        Instant to = clock.instant();
        Instant window = to.atZone(zone).toLocalDate().minusDays(catchUpDays).atStartOfDay(zone).toInstant();
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (MeterLog log : MeterLog.values()) {
            Instant newest = stored.get(log.key());
            Instant from = newest != null && newest.isAfter(window) ? newest : window;
            chain = chain.thenCompose(v -> Refusals.tolerated(s.eventLogs().entries(log, from, to), m -> {
                problems.add(log.key() + ": " + m.kind());
                return List.<LogEntry>of();
            })).thenAccept(found -> found.forEach(e -> entries.add(event(e))));
        }
        return chain;
    }

    /** Stores the alarm register's bits as an event, then clears the register when the profile says so. */
    private CompletableFuture<Long> recordThenClear(MeterSession s, String meterId, long bits) {
        boolean clear = s.profile().logs().clearAlarmRegister();
        String payload = JSON.createObjectNode().put("bits", bits).put("hex", String.format("0x%08X", bits)).put("cleared", clear).toString();
        return CompletableFuture.runAsync(() -> events.record(meterId, "ALARM_REGISTER", clock.instant(), payload), db)
                .thenCompose(v -> clear ? s.eventLogs().clearAlarmRegister() : CompletableFuture.<Void>completedFuture(null))
                .thenApply(v -> bits);
    }

    /** Stores the entries (one statement); completes with how many were new. */
    CompletableFuture<Integer> store(String meterId, Outcome outcome) {
        if (outcome.entries().isEmpty()) return CompletableFuture.completedFuture(0);
        return CompletableFuture.supplyAsync(() -> events.recordLogEntries(meterId, outcome.entries()), db);
    }

    /** An entry as the event it is stored as: type the log, payload its event's name and its code or duration. */
    static EventStore.LogEvent event(LogEntry e) {
        var payload = JSON.createObjectNode().put("log", e.log().key()).put("event", e.eventName());
        if (e.log() == MeterLog.POWER_FAILURE_LOG) payload.put("durationSeconds", e.value());
        else payload.put("code", e.value());
        return new EventStore.LogEvent(e.log().key(), e.at(), e.value(), e.log().name(), payload.toString());
    }
}
