package org.openhes.headend.api.http;

import static org.openhes.headend.api.http.Json.JSON;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openhes.headend.scheduler.commands.CommandStore;
import org.openhes.headend.scheduler.events.EventStore;
import org.openhes.headend.scheduler.jobs.JobWorker;
import org.openhes.headend.scheduler.meters.Meter;
import org.openhes.headend.scheduler.meters.MeterRegistry;

/**
 * POST /commands/bulk: many commands in one request, one JSON object per line (NDJSON), each with its
 * meter, its own idempotency key and the fields of a single command (notBefore and deadline too).
 * Answered with a report per line — accepted, a repeat of an earlier key, or refused with the reason
 * and the field — and stored in batches. Urgent lines beyond the queue's bound are refused, not the order.
 */
final class BulkCommandResource {
    static final int MAX_LINES = 200_000;
    private static final int LOOKUP_CHUNK = 5_000;
    private static final Set<String> LINE_FIELDS;

    static {
        var f = new java.util.HashSet<>(List.of(CommandRequests.FIELDS));
        f.add("meterId");
        f.add("idempotencyKey");
        LINE_FIELDS = Set.copyOf(f);
    }

    private final MeterRegistry meters;
    private final CommandStore commands;
    private final CommandRequests requests;
    private final EventStore events;
    private final JobWorker worker;
    private final Throttles throttles;
    private final InstantSource clock;

    BulkCommandResource(MeterRegistry meters, CommandStore commands, CommandRequests requests, EventStore events, JobWorker worker,
                        Throttles throttles, InstantSource clock) {
        this.meters = meters;
        this.commands = commands;
        this.requests = requests;
        this.events = events;
        this.worker = worker;
        this.throttles = throttles;
        this.clock = clock;
    }

    /** One line's outcome in the report. */
    private static Map<String, Object> line(int n, String status, String id, String field, String reason) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("line", n);
        m.put("status", status);
        if (id != null) m.put("id", id);
        if (field != null) m.put("field", field);
        if (reason != null) m.put("reason", reason);
        return m;
    }

    void submit(Context ctx, String caller) throws IOException {
        List<JsonNode> lines = read(ctx);
        Map<String, Meter> known = lookUp(lines);
        Map<Integer, Map<String, Object>> report = new HashMap<>();
        List<CommandStore.NewCommand> accepted = new ArrayList<>();
        List<Integer> acceptedLines = new ArrayList<>();
        List<Boolean> urgent = new ArrayList<>();
        for (int k = 0; k < lines.size(); k++) {
            JsonNode b = lines.get(k);
            int n = k + 1;
            if (b.has("error")) {
                report.put(n, line(n, "refused", null, null, b.get("error").asText()));
                continue;
            }
            try {
                String unknownField = null;
                for (var it = b.fieldNames(); it.hasNext(); ) {
                    String f = it.next();
                    if (!LINE_FIELDS.contains(f)) unknownField = f;
                }
                if (unknownField != null) throw ApiProblem.badRequest(unknownField, "unknown field " + unknownField);
                String key = b.path("idempotencyKey").asText("");
                if (key.isBlank() || key.length() > 200) throw ApiProblem.badRequest("idempotencyKey", "each line needs an idempotencyKey of 1 to 200 characters");
                Meter m = known.get(b.path("meterId").asText(""));
                if (m == null) throw new ApiProblem(404, "Not found", "unknown meter " + b.path("meterId").asText("(missing)"), "meterId");
                CommandStore.NewCommand c = requests.command(m, b, caller, key);
                accepted.add(c);
                acceptedLines.add(n);
                urgent.add(isUrgent(c));
            } catch (ApiProblem p) {
                report.put(n, line(n, "refused", null, p.field, p.getMessage()));
            }
        }
        int wantUrgent = (int) urgent.stream().filter(u -> u).count();
        int created = 0, repeated = 0;
        try (var admission = throttles.admitUpTo(wantUrgent)) {
            List<CommandStore.NewCommand> admitted = new ArrayList<>();
            List<Integer> admittedLines = new ArrayList<>();
            int places = admission.granted();
            for (int k = 0; k < accepted.size(); k++) {
                if (urgent.get(k) && places-- <= 0) {
                    report.put(acceptedLines.get(k), line(acceptedLines.get(k), "refused", null, null,
                            "too many commands and reads are queued; retry this line later"));
                    continue;
                }
                admitted.add(accepted.get(k));
                admittedLines.add(acceptedLines.get(k));
            }
            List<CommandStore.BulkOutcome> outcomes = commands.submitAll(admitted);
            int newUrgent = 0;
            for (int k = 0; k < outcomes.size(); k++) {
                CommandStore.BulkOutcome o = outcomes.get(k);
                int n = admittedLines.get(k);
                if (o.conflict() != null) {
                    report.put(n, line(n, "refused", null, "idempotencyKey", o.conflict()));
                } else if (o.created()) {
                    created++;
                    if (isUrgent(admitted.get(k))) newUrgent++;
                    report.put(n, line(n, o.command().status().equals("HELD") ? "held" : "accepted", o.command().id().toString(), null,
                            o.command().heldRule()));
                } else {
                    repeated++;
                    report.put(n, line(n, "repeat", o.command().id().toString(), null, null));
                }
            }
            admission.queued(newUrgent);
        }
        if (created > 0) {
            events.audit(clock.instant(), caller, "command.bulk", "-", created + " commands");
            worker.nudge();
        }
        List<Object> ordered = new ArrayList<>(lines.size());
        for (int n = 1; n <= lines.size(); n++) ordered.add(report.get(n));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("lines", lines.size());
        out.put("accepted", created);
        out.put("repeated", repeated);
        out.put("refused", lines.size() - created - repeated);
        out.put("report", ordered);
        ctx.json(out);
    }

    /** A line that will wait in the queue of urgent work now (not for a session or a later time). */
    private boolean isUrgent(CommandStore.NewCommand c) {
        Instant now = clock.instant();
        boolean later = (c.notBefore() != null && c.notBefore().isAfter(now))
                || (c.guard() != null && c.guard().heldUntil() != null)
                || (c.type().equals("DISPLAY_BALANCE") && c.deadline() != null && c.deadline().isAfter(now.plus(CommandStore.JOIN_MARGIN.multipliedBy(2))));
        return !later;
    }

    private static List<JsonNode> read(Context ctx) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(ctx.bodyInputStream(), StandardCharsets.UTF_8))) {
            String text;
            while ((text = in.readLine()) != null) {
                if (text.isBlank()) continue;
                if (lines.size() == MAX_LINES) {
                    throw ApiProblem.badRequest(null, "a bulk order holds at most " + MAX_LINES + " lines; split it");
                }
                try {
                    JsonNode n = JSON.readTree(text);
                    lines.add(n != null && n.isObject() ? n : JSON.createObjectNode().put("error", "the line is not a JSON object"));
                } catch (JsonProcessingException e) {
                    lines.add(JSON.createObjectNode().put("error", "malformed JSON at column " + e.getLocation().getColumnNr() + ": "
                            + e.getOriginalMessage()));
                }
            }
        }
        if (lines.isEmpty()) throw ApiProblem.badRequest(null, "the body holds no line: one JSON command per line (application/x-ndjson)");
        return lines;
    }

    private Map<String, Meter> lookUp(List<JsonNode> lines) {
        List<String> ids = lines.stream().map(l -> l.path("meterId").asText("")).filter(s -> !s.isEmpty()).distinct().toList();
        Map<String, Meter> out = new HashMap<>();
        for (int from = 0; from < ids.size(); from += LOOKUP_CHUNK) {
            out.putAll(meters.findAll(ids.subList(from, Math.min(ids.size(), from + LOOKUP_CHUNK))));
        }
        return out;
    }
}
