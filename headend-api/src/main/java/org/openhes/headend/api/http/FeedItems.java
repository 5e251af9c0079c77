package org.openhes.headend.api.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.openhes.headend.scheduler.commands.CommandStore;
import org.openhes.headend.scheduler.delivery.FeedEntry;
import org.openhes.headend.scheduler.events.EventStore;
import org.openhes.headend.scheduler.reads.IndexRead;
import org.openhes.headend.scheduler.reads.IntervalStore;
import org.openhes.headend.scheduler.reads.ReadStore;
import org.openhes.headend.scheduler.reads.StoredInterval;

/**
 * Feed entries as the API and subscriptions show them: {@code {cursor, kind, meterId, at, data}}, where
 * {@code data} is the read (as {@code /meters/{id}/daily-reads} shows it), the event (as
 * {@code /events}), the command (as {@code /commands/{id}}) or a meter's new intervals
 * ({@code {from, to, items}}, items as {@code /meters/{id}/intervals} shows them), looked up with one
 * query per kind. {@code data} is null when its rows are gone (a meter removed since).
 */
public final class FeedItems {
    private final ReadStore reads;
    private final EventStore events;
    private final CommandStore commands;
    private final IntervalStore intervals;

    public FeedItems(ReadStore reads, EventStore events, CommandStore commands, IntervalStore intervals) {
        this.reads = reads;
        this.events = events;
        this.commands = commands;
        this.intervals = intervals;
    }

    public List<Map<String, Object>> render(List<FeedEntry> entries) {
        Map<FeedEntry, ReadStore.Capture> captureOf = new HashMap<>();
        List<Long> eventIds = new ArrayList<>();
        List<UUID> commandIds = new ArrayList<>();
        Map<FeedEntry, IntervalStore.Range> rangeOf = new LinkedHashMap<>();
        for (FeedEntry e : entries) {
            switch (e.kind()) {
                case DAILY_READ, ON_DEMAND_READ -> captureOf.put(e, ReadStore.captureRef(e.meterId(), e.ref()));
                case EVENT -> eventIds.add(Long.parseLong(e.ref()));
                case COMMAND_RESULT -> commandIds.add(UUID.fromString(e.ref()));
                case INTERVALS -> rangeOf.put(e, IntervalStore.feedRange(e.meterId(), e.ref()));
            }
        }
        Map<ReadStore.Capture, List<IndexRead>> byCapture = new HashMap<>();
        for (IndexRead r : reads.captures(List.copyOf(captureOf.values()))) {
            byCapture.computeIfAbsent(new ReadStore.Capture(r.meterId(), r.capturedAt(), r.source()), k -> new ArrayList<>()).add(r);
        }
        Map<String, EventStore.Event> eventById = new HashMap<>();
        for (EventStore.Event ev : events.findAll(eventIds)) eventById.put(Long.toString(ev.id()), ev);
        Map<UUID, CommandStore.Command> commandById = commands.findAll(commandIds);
        Map<FeedEntry, IntervalStore.RangeIntervals> intervalsOf = new HashMap<>();
        List<IntervalStore.RangeIntervals> found = intervals.ranges(List.copyOf(rangeOf.values()));
        int k = 0;
        for (FeedEntry e : rangeOf.keySet()) intervalsOf.put(e, found.get(k++));

        List<Map<String, Object>> out = new ArrayList<>(entries.size());
        for (FeedEntry e : entries) {
            Object data = switch (e.kind()) {
                case DAILY_READ, ON_DEMAND_READ -> {
                    List<IndexRead> rs = byCapture.get(captureOf.get(e));
                    yield rs == null ? null : DailyReadResource.group(rs).get(0);
                }
                case EVENT -> {
                    EventStore.Event ev = eventById.get(e.ref());
                    yield ev == null ? null : EventResource.eventJson(ev);
                }
                case COMMAND_RESULT -> {
                    CommandStore.Command c = commandById.get(UUID.fromString(e.ref()));
                    yield c == null ? null : CommandResource.commandJson(c);
                }
                case INTERVALS -> intervals(rangeOf.get(e), intervalsOf.get(e));
            };
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("cursor", e.position().toString());
            item.put("kind", e.kind().wireName());
            item.put("meterId", e.meterId());
            item.put("at", e.createdAt().toString());
            item.put("data", data);
            out.add(item);
        }
        return out;
    }

    /** The range's intervals, each with its consumption since the one before; null when they are gone. */
    private static Map<String, Object> intervals(IntervalStore.Range range, IntervalStore.RangeIntervals found) {
        if (found.intervals().isEmpty()) return null;
        StoredInterval previous = found.previous();
        List<Map<String, Object>> items = new ArrayList<>(found.intervals().size());
        for (StoredInterval i : found.intervals()) {
            items.add(IntervalConsumption.item(previous, i));
            previous = i;
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("from", range.first().toString());
        data.put("to", range.last().toString());
        data.put("items", items);
        return data;
    }
}
