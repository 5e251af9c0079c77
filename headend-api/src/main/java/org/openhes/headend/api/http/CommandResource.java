package org.openhes.headend.api.http;

import static org.openhes.headend.api.http.Json.JSON;
import static org.openhes.headend.api.http.Json.body;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.openhes.headend.scheduler.commands.CommandStore;
import org.openhes.headend.scheduler.events.EventStore;
import org.openhes.headend.scheduler.jobs.JobWorker;
import org.openhes.headend.scheduler.meters.Meter;
import org.openhes.headend.scheduler.meters.MeterRegistry;

/**
 * Commands to a meter: submitted (validated, admitted by {@link Throttles}, stored with their job; a
 * repeated Idempotency-Key answers the first submission) and read back by id.
 */
public final class CommandResource {
    private final MeterRegistry meters;
    private final CommandStore commands;
    private final EventStore events;
    private final JobWorker worker;
    private final Throttles throttles;
    private final InstantSource clock;
    private final CommandRequests requests;

    CommandResource(MeterRegistry meters, CommandStore commands, EventStore events, JobWorker worker, Throttles throttles,
                    InstantSource clock, CommandRequests requests) {
        this.requests = requests;
        this.meters = meters;
        this.commands = commands;
        this.events = events;
        this.worker = worker;
        this.throttles = throttles;
        this.clock = clock;
    }

    void submit(Context ctx, String caller) {
        Meter m = Params.meterOr404(meters, ctx.pathParam("id"));
        JsonNode b = body(ctx, CommandRequests.FIELDS);
        String key = ctx.header("Idempotency-Key");
        if (key != null && (key.isBlank() || key.length() > 200)) throw ApiProblem.badRequest("Idempotency-Key", "Idempotency-Key must be 1 to 200 characters");
        CommandStore.Submitted sub = submit(m, b, caller, key);
        ctx.status(sub.created() ? 202 : 200).header("Location", "/api/v1/commands/" + sub.command().id()).json(commandJson(sub.command()));
    }

    /**
     * What submitting {@code b} would store, without storing it: the console's confirmation says what
     * will run (the guard may turn a disconnection into a power limit). An {@link ApiProblem} says why
     * it would be refused.
     */
    public CommandStore.NewCommand check(Meter m, JsonNode b, String caller) {
        return requests.command(m, b, caller, null);
    }

    /**
     * Submits the command {@code b} asks of {@code m} as the API does (checked, through the guard,
     * admitted, stored with its job, audited): the one way in for the API and the console. An
     * {@link ApiProblem} says why a command is refused.
     */
    public CommandStore.Submitted submit(Meter m, JsonNode b, String caller, String idempotencyKey) {
        CommandStore.NewCommand n = requests.command(m, b, caller, idempotencyKey);
        CommandStore.Submitted sub;
        try (var admission = throttles.admit()) {
            sub = commands.submit(n);
            if (sub.created()) admission.queued();
        }
        if (sub.created()) {
            events.audit(clock.instant(), caller, "command." + n.type(), m.id(), sub.command().id().toString());
            worker.nudge();
        }
        return sub;
    }

    /** A command as the API shows it; also the body of its callback. */
    public static Map<String, Object> commandJson(CommandStore.Command c) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("id", c.id().toString());
        j.put("meterId", c.meterId());
        j.put("type", c.type());
        j.put("status", c.status());
        j.put("attempts", c.attempts());
        try {
            j.put("params", JSON.readTree(c.paramsJson()));
            j.put("result", c.resultJson() == null ? null : JSON.readTree(c.resultJson()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        j.put("error", c.error());
        j.put("deadline", c.deadline() == null ? null : c.deadline().toString());
        if (c.heldRule() != null) {
            Map<String, Object> held = new LinkedHashMap<>();
            held.put("rule", c.heldRule());
            held.put("until", c.heldUntil() == null ? null : c.heldUntil().toString());
            j.put("held", held);
        }
        j.put("createdAt", c.createdAt().toString());
        j.put("updatedAt", c.updatedAt().toString());
        return j;
    }

    /** A command by id, with an ETag: a client polling it with If-None-Match is answered 304 until it changes. */
    void get(Context ctx, String caller) {
        UUID id;
        try {
            id = UUID.fromString(ctx.pathParam("id"));
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest("id", "command id must be a UUID");
        }
        Conditional.json(ctx, commandJson(commands.find(id).orElseThrow(() -> ApiProblem.notFound("unknown command " + id))));
    }
}
