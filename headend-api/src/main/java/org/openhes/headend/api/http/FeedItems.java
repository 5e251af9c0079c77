package org.openhes.headend.api.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.openhes.headend.scheduler.commands.CommandStore;
import org.openhes.headend.scheduler.delivery.FeedEntry;
import org.openhes.headend.scheduler.delivery.FeedKind;
import org.openhes.headend.scheduler.events.EventStore;
import org.openhes.headend.scheduler.reads.IndexRead;
import org.openhes.headend.scheduler.reads.ReadStore;

/**
 * Feed entries as the API and subscriptions show them: {@code {cursor, kind, meterId, at, data}}, where
 * {@code data} is the read (as {@code /meters/{id}/daily-reads} shows it), the event (as
 * {@code /events}) or the command (as {@code /commands/{id}}), looked up with one query per kind.
 * {@code data} is null when its row is gone (a meter removed since).
 */
public final class FeedItems {
    private final ReadStore reads;
    private final EventStore events;
    private final CommandStore commands;

    public FeedItems(ReadStore reads, EventStore events, CommandStore commands) {
        this.reads = reads;
        this.events = events;
        this.commands = commands;
    }

    public List<Map<String, Object>> render(List<FeedEntry> entries) {
        Map<String, Object> data = new HashMap<>();
        List<ReadStore.Capture> captures = new ArrayList<>();
        List<Long> eventIds = new ArrayList<>();
        List<UUID> commandIds = new ArrayList<>();
        for (FeedEntry e : entries) {
            switch (e.kind()) {
                case DAILY_READ, ON_DEMAND_READ -> captures.add(ReadStore.captureRef(e.meterId(), e.ref()));
                case EVENT -> eventIds.add(Long.parseLong(e.ref()));
                case COMMAND_RESULT -> commandIds.add(UUID.fromString(e.ref()));
            }
        }
        Map<String, List<IndexRead>> byCapture = new HashMap<>();
        for (IndexRead r : reads.captures(captures)) {
            byCapture.computeIfAbsent(captureKey(r.meterId(), r.capturedAt().toString(), r.source().name()), k -> new ArrayList<>()).add(r);
        }
        for (EventStore.Event ev : events.findAll(eventIds)) data.put(FeedKind.EVENT + "|" + ev.id(), EventResource.eventJson(ev));
        for (CommandStore.Command c : commands.findAll(commandIds).values()) {
            data.put(FeedKind.COMMAND_RESULT + "|" + c.id(), CommandResource.commandJson(c));
        }
        List<Map<String, Object>> out = new ArrayList<>(entries.size());
        for (FeedEntry e : entries) {
            Object d = switch (e.kind()) {
                case DAILY_READ, ON_DEMAND_READ -> {
                    ReadStore.Capture k = ReadStore.captureRef(e.meterId(), e.ref());
                    List<IndexRead> rs = byCapture.get(captureKey(k.meterId(), k.capturedAt().toString(), k.source().name()));
                    yield rs == null ? null : DailyReadResource.group(rs).get(0);
                }
                case EVENT, COMMAND_RESULT -> data.get(e.kind() + "|" + e.ref());
            };
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("cursor", e.position().toString());
            item.put("kind", e.kind().wireName());
            item.put("meterId", e.meterId());
            item.put("at", e.createdAt().toString());
            item.put("data", d);
            out.add(item);
        }
        return out;
    }

    private static String captureKey(String meterId, String at, String source) {
        return meterId + "|" + at + "|" + source;
    }
}
