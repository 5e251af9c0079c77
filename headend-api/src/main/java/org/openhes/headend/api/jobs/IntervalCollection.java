package org.openhes.headend.api.jobs;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.openhes.headend.protocol.model.LoadInterval;
import org.openhes.headend.protocol.model.Register;
import org.openhes.headend.protocol.session.MeterSession;
import org.openhes.headend.scheduler.jobs.ClaimedJob;
import org.openhes.headend.scheduler.reads.IntervalStore;
import org.openhes.headend.scheduler.reads.StoredInterval;

/**
 * The load profile part of a daily read: the intervals since the meter's last stored one, no further back
 * than {@code load.profile.catchup.days} local days, read in the daily read's session and stored through
 * a batch writer. The newest stored interval of every claimed meter is looked up once per batch.
 */
public final class IntervalCollection {
    private final IntervalStore store;
    private final BatchWriter<StoredInterval> writer;
    private final InstantSource clock;
    private final ZoneId zone;
    private final int catchUpDays;
    private final Map<String, Instant> lastEnds = new ConcurrentHashMap<>();

    public IntervalCollection(IntervalStore store, BatchWriter<StoredInterval> writer, InstantSource clock, ZoneId zone, int catchUpDays) {
        this.store = store;
        this.writer = writer;
        this.clock = clock;
        this.zone = zone;
        this.catchUpDays = catchUpDays;
    }

    /**
     * The writer that stores the intervals of all sessions in batches, through COPY (1.1× the multi-row
     * INSERT in the load-profile benchmark of 4 December: docs/consumption.md).
     */
    public static BatchWriter<StoredInterval> writer(IntervalStore store) {
        return new BatchWriter<>("interval-writer", store::storeByCopy, 20_000, java.time.Duration.ofMillis(100), 2);
    }

    /** Looks up the newest stored interval of the batch's meters (one query). */
    void prepare(List<ClaimedJob> dailyReads) {
        if (dailyReads.isEmpty()) return;
        List<String> meters = dailyReads.stream().map(ClaimedJob::meterId).distinct().toList();
        Map<String, Instant> found = store.lastEnds(meters, windowStart());
        for (String m : meters) lastEnds.put(m, found.getOrDefault(m, Instant.EPOCH));
    }

    /** The start of the catch-up window: local midnight {@code catchUpDays} days before today. */
    private Instant windowStart() {
        return clock.instant().atZone(zone).toLocalDate().minusDays(catchUpDays).atStartOfDay(zone).toInstant();
    }

    /** Where this meter's read starts (exclusive): its newest stored interval, or the window's start. */
    private Instant since(String meterId) {
        Instant prepared = lastEnds.remove(meterId);
        Instant start = windowStart();
        Instant last = prepared != null ? prepared : store.lastEnds(List.of(meterId), start).getOrDefault(meterId, Instant.EPOCH);
        return last.isAfter(start) ? last : start;
    }

    /** What a daily session's load profile part gave: the intervals, or why there are none. */
    record Outcome(List<LoadInterval> intervals, String problem) {
    }

    /**
     * Reads the intervals in the session. A meter that refuses the load profile (or has none) does not
     * fail the daily read: the outcome says so; a failure of the link fails the session as any other step.
     */
    CompletableFuture<Outcome> read(MeterSession s, String meterId) {
        Instant from = since(meterId).plusSeconds(1), to = clock.instant();
        return Refusals.tolerated(s.loadProfile().intervals(from, to).thenApply(rows -> new Outcome(rows, null)),
                m -> new Outcome(List.of(), m.kind() + ": " + m.getMessage()));
    }

    /** Stores the intervals (through the batch writer). */
    CompletableFuture<Void> store(String meterId, List<LoadInterval> intervals) {
        List<StoredInterval> out = new ArrayList<>(intervals.size());
        for (LoadInterval i : intervals) {
            out.add(new StoredInterval(meterId, i.end(), i.status(), wh(i.importIndex()), wh(i.exportIndex())));
        }
        return writer.add(out);
    }

    /** The index in Wh: kWh (a meter that says so) times 1000; null when the profile has no such column. */
    private static BigDecimal wh(Register r) {
        if (r == null) return null;
        return "kWh".equals(r.unit()) ? r.value().movePointRight(3) : r.value();
    }
}
