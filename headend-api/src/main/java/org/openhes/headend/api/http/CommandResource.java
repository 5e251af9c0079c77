package org.openhes.headend.api.http;

import static org.openhes.headend.api.http.Json.JSON;
import static org.openhes.headend.api.http.Json.body;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.time.InstantSource;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.openhes.headend.protocol.session.MeterCommands;
import org.openhes.headend.scheduler.commands.CommandStore;
import org.openhes.headend.scheduler.events.EventStore;
import org.openhes.headend.scheduler.guard.DisconnectionGuard;
import org.openhes.headend.scheduler.guard.Guard;
import org.openhes.headend.scheduler.guard.GuardDecision;
import org.openhes.headend.scheduler.jobs.JobWorker;
import org.openhes.headend.scheduler.meters.Meter;
import org.openhes.headend.scheduler.meters.MeterRegistry;

/**
 * Commands to a meter: submitted (validated, admitted by {@link Throttles}, stored with their job; a
 * repeated Idempotency-Key answers the first submission) and read back by id.
 */
public final class CommandResource {
    static final Set<String> COMMAND_TYPES = Set.of("DISCONNECT", "RECONNECT", "SET_POWER_LIMIT", "CLEAR_POWER_LIMIT", "DISPLAY_BALANCE",
            "GAS_DISCONNECT", "GAS_RECONNECT");

    private final MeterRegistry meters;
    private final CommandStore commands;
    private final EventStore events;
    private final JobWorker worker;
    private final Throttles throttles;
    private final InstantSource clock;
    private final Guard guard;

    CommandResource(MeterRegistry meters, CommandStore commands, EventStore events, JobWorker worker, Throttles throttles,
                    InstantSource clock, Guard guard) {
        this.guard = guard;
        this.meters = meters;
        this.commands = commands;
        this.events = events;
        this.worker = worker;
        this.throttles = throttles;
        this.clock = clock;
    }

    void submit(Context ctx, String caller) {
        Meter m = Params.meterOr404(meters, ctx.pathParam("id"));
        JsonNode b = body(ctx, "type", "watts", "amount", "currency", "deadline", "callbackUrl", "guardOverride");
        if (b.has("type") && !b.get("type").isTextual()) throw ApiProblem.badRequest("type", "type must be a string");
        String type = b.path("type").asText("");
        if (!COMMAND_TYPES.contains(type)) {
            throw ApiProblem.badRequest("type", "unsupported command " + (type.isEmpty() ? "(missing)" : type) + "; one of " + new TreeSet<>(COMMAND_TYPES));
        }
        ObjectNode params = JSON.createObjectNode().put("type", type);
        switch (type) {
            case "SET_POWER_LIMIT" -> {
                if (!b.path("watts").canConvertToLong() || !b.path("watts").isIntegralNumber()) {
                    throw ApiProblem.badRequest("watts", "watts must be an integer number of watts");
                }
                long w = b.get("watts").asLong();
                if (w < MeterCommands.MIN_POWER_LIMIT_W || w > MeterCommands.MAX_POWER_LIMIT_W) {
                    throw ApiProblem.badRequest("watts", "power limit must be between " + MeterCommands.MIN_POWER_LIMIT_W + " and "
                            + MeterCommands.MAX_POWER_LIMIT_W + " W (was " + w + ")");
                }
                params.put("watts", w);
            }
            case "DISPLAY_BALANCE" -> {
                BigDecimal amount;
                try {
                    if (!b.path("amount").isTextual() && !b.path("amount").isNumber()) throw new NumberFormatException();
                    amount = new BigDecimal(b.path("amount").asText(""));
                } catch (NumberFormatException e) {
                    throw ApiProblem.badRequest("amount", "amount must be a decimal such as \"12.34\"");
                }
                if (amount.scale() > 2 || amount.abs().compareTo(new BigDecimal("1000000")) >= 0) {
                    throw ApiProblem.badRequest("amount", "amount must have at most 2 decimals and be below 1000000");
                }
                String currency = b.path("currency").asText("EUR");
                if (!currency.matches("[A-Z]{3}")) throw ApiProblem.badRequest("currency", "currency must be an ISO 4217 code such as EUR");
                params.put("amount", amount.setScale(2).toPlainString()).put("currency", currency);
            }
            default -> { }
        }
        Instant deadline = null;
        if (b.hasNonNull("deadline")) {
            try {
                deadline = Instant.parse(b.get("deadline").asText());
            } catch (DateTimeParseException e) {
                throw ApiProblem.badRequest("deadline", "deadline must be an ISO-8601 instant such as 2026-11-22T18:00:00Z");
            }
            if (!deadline.isAfter(clock.instant())) throw ApiProblem.badRequest("deadline", "deadline is in the past");
        }
        String callback = b.hasNonNull("callbackUrl") ? b.get("callbackUrl").asText() : null;
        if (callback != null) {
            try {
                URI u = URI.create(callback);
                if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) throw new IllegalArgumentException();
            } catch (IllegalArgumentException e) {
                throw ApiProblem.badRequest("callbackUrl", "callbackUrl must be an http(s) URL");
            }
        }
        String key = ctx.header("Idempotency-Key");
        if (key != null && (key.isBlank() || key.length() > 200)) throw ApiProblem.badRequest("Idempotency-Key", "Idempotency-Key must be 1 to 200 characters");
        String overrideReason = overrideReason(b, caller, type);
        CommandStore.GuardNote note = null;
        GuardDecision d = guard.decide(m.id(), m.labels(), type, false);
        if (overrideReason != null) {
            params.putObject("guardOverride").put("by", caller).put("reason", overrideReason);
            if (d.verdict() != GuardDecision.Verdict.ALLOW) note = CommandStore.GuardNote.overridden(caller, overrideReason, d.rule());
        } else {
            switch (d.verdict()) {
                case REFUSE -> throw new ApiProblem(422, "Refused by the disconnection guard",
                        "the policy refuses " + type + " for meter " + m.id() + ": " + d.rule(), "type");
                case HOLD -> note = CommandStore.GuardNote.held(d.rule(), d.until());
                case LIMIT -> {
                    type = "SET_POWER_LIMIT";
                    params = JSON.createObjectNode().put("type", type).put("watts", d.watts());
                    params.putObject("guard").put("rule", d.rule()).put("asked", "DISCONNECT");
                }
                case ALLOW -> { }
            }
        }
        CommandStore.Submitted sub;
        try (var admission = throttles.admit()) {
            sub = commands.submit(new CommandStore.NewCommand(m.id(), type, params.toString(), caller, key, deadline, callback, note));
            if (sub.created()) admission.queued();
        }
        if (sub.created()) {
            events.audit(clock.instant(), caller, "command." + type, m.id(), sub.command().id().toString());
            worker.nudge();
        }
        ctx.status(sub.created() ? 202 : 200).header("Location", "/api/v1/commands/" + sub.command().id()).json(commandJson(sub.command()));
    }

    /**
     * An override of the disconnection guard: only an engineer or an admin, with a reason, for a command
     * the guard looks at; null when the body has none.
     */
    private static String overrideReason(JsonNode b, String caller, String type) {
        if (!b.has("guardOverride")) return null;
        if (!caller.equals("admin") && !caller.equals("engineer")) {
            throw new ApiProblem(403, "Forbidden", "only an engineer or an admin may override the disconnection guard", "guardOverride");
        }
        if (!DisconnectionGuard.GUARDED.contains(type)) {
            throw ApiProblem.badRequest("guardOverride", "the guard does not hold or refuse " + type + ": nothing to override");
        }
        String reason = b.get("guardOverride").path("reason").asText("").trim();
        if (reason.isEmpty()) throw ApiProblem.badRequest("guardOverride", "an override needs a reason: {\"reason\": \"...\"}");
        if (reason.length() > 500) throw ApiProblem.badRequest("guardOverride", "the reason is at most 500 characters");
        return reason;
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

    void get(Context ctx, String caller) {
        UUID id;
        try {
            id = UUID.fromString(ctx.pathParam("id"));
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest("id", "command id must be a UUID");
        }
        ctx.json(commandJson(commands.find(id).orElseThrow(() -> ApiProblem.notFound("unknown command " + id))));
    }
}
