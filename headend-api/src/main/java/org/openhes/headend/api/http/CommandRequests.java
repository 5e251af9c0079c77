package org.openhes.headend.api.http;

import static org.openhes.headend.api.http.Json.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.InstantSource;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.TreeSet;
import org.openhes.headend.protocol.model.PushDestination;
import org.openhes.headend.protocol.session.MeterCommands;
import org.openhes.headend.scheduler.commands.CommandStore;
import org.openhes.headend.scheduler.guard.DisconnectionGuard;
import org.openhes.headend.scheduler.guard.Guard;
import org.openhes.headend.scheduler.guard.GuardDecision;
import org.openhes.headend.scheduler.meters.Meter;

/**
 * One command request, as the API takes it alone or as a line of a bulk order: its fields checked
 * (each refusal names the field: 400 when malformed, 422 when a well-formed value is out of range),
 * then passed through the disconnection guard — refused (422 naming the rule), held until a window
 * ends, turned into a protected customer's power limit, or overridden by an engineer or an admin with
 * a reason.
 */
final class CommandRequests {
    static final Set<String> COMMAND_TYPES = Set.of("DISCONNECT", "RECONNECT", "SET_POWER_LIMIT", "CLEAR_POWER_LIMIT", "DISPLAY_BALANCE",
            "GAS_DISCONNECT", "GAS_RECONNECT", "SET_PUSH_SETUP");
    static final String[] FIELDS = {"type", "watts", "amount", "currency", "destination", "randomisationSeconds", "retries",
            "repetitionDelaySeconds", "deadline", "notBefore", "callbackUrl", "guardOverride"};

    private final Guard guard;
    private final InstantSource clock;

    CommandRequests(Guard guard, InstantSource clock) {
        this.guard = guard;
        this.clock = clock;
    }

    /** The command to store for {@code b}, addressed to {@code m}; an {@link ApiProblem} when it is refused. */
    CommandStore.NewCommand command(Meter m, JsonNode b, String caller, String key) {
        if (b.has("type") && !b.get("type").isTextual()) throw ApiProblem.badRequest("type", "type must be a string");
        String type = b.path("type").asText("");
        if (!COMMAND_TYPES.contains(type)) {
            throw ApiProblem.badRequest("type", "unsupported command " + (type.isEmpty() ? "(missing)" : type) + "; one of " + new TreeSet<>(COMMAND_TYPES));
        }
        ObjectNode params = params(type, b);
        Instant now = clock.instant();
        Instant deadline = instant(b, "deadline");
        if (deadline != null && !deadline.isAfter(now)) throw ApiProblem.unacceptable("deadline", "deadline is in the past");
        Instant notBefore = instant(b, "notBefore");
        if (notBefore != null && deadline != null && !notBefore.isBefore(deadline)) {
            throw ApiProblem.unacceptable("notBefore", "notBefore must be before the deadline");
        }
        String callback = callback(b);
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
        return new CommandStore.NewCommand(m.id(), type, params.toString(), caller, key, deadline, callback, note, notBefore);
    }

    private static ObjectNode params(String type, JsonNode b) {
        ObjectNode params = JSON.createObjectNode().put("type", type);
        switch (type) {
            case "SET_POWER_LIMIT" -> {
                if (!b.path("watts").canConvertToLong() || !b.path("watts").isIntegralNumber()) {
                    throw ApiProblem.badRequest("watts", "watts must be an integer number of watts");
                }
                long w = b.get("watts").asLong();
                if (w < MeterCommands.MIN_POWER_LIMIT_W || w > MeterCommands.MAX_POWER_LIMIT_W) {
                    throw ApiProblem.unacceptable("watts", "power limit must be between " + MeterCommands.MIN_POWER_LIMIT_W + " and "
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
                    throw ApiProblem.unacceptable("amount", "amount must have at most 2 decimals and be below 1000000");
                }
                String currency = b.path("currency").asText("EUR");
                if (!currency.matches("[A-Z]{3}")) throw ApiProblem.badRequest("currency", "currency must be an ISO 4217 code such as EUR");
                params.put("amount", amount.setScale(2).toPlainString()).put("currency", currency);
            }
            case "SET_PUSH_SETUP" -> pushSetup(b, params);
            default -> { }
        }
        return params;
    }

    /** destination "host:port" (400 when it is not), the optional retry values; 422 for values out of range. */
    private static void pushSetup(JsonNode b, ObjectNode params) {
        if (!b.path("destination").isTextual()) {
            throw ApiProblem.badRequest("destination", "destination must be host:port, the push listener the meter should push to");
        }
        PushDestination d;
        try {
            d = PushDestination.parse(b.get("destination").asText(), optionalInt(b, "randomisationSeconds"), optionalInt(b, "retries"),
                    optionalInt(b, "repetitionDelaySeconds"));
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest("destination", e.getMessage());
        }
        String problem = d.problem();
        if (problem != null) {
            String named = problem.substring(0, problem.indexOf(' ')); // each problem starts with the value's name
            throw ApiProblem.unacceptable(named.equals("host") || named.equals("port") ? "destination" : named, problem);
        }
        params.put("destination", d.address());
        if (d.randomisationSeconds() != null) params.put("randomisationSeconds", d.randomisationSeconds());
        if (d.retries() != null) params.put("retries", d.retries());
        if (d.repetitionDelaySeconds() != null) params.put("repetitionDelaySeconds", d.repetitionDelaySeconds());
    }

    private static Integer optionalInt(JsonNode b, String field) {
        if (!b.hasNonNull(field)) return null;
        if (!b.get(field).isIntegralNumber() || !b.get(field).canConvertToInt()) throw ApiProblem.badRequest(field, field + " must be an integer");
        return b.get(field).asInt();
    }

    private static Instant instant(JsonNode b, String field) {
        if (!b.hasNonNull(field)) return null;
        try {
            return Instant.parse(b.get(field).asText());
        } catch (DateTimeParseException e) {
            throw ApiProblem.badRequest(field, field + " must be an ISO-8601 instant such as 2026-11-22T18:00:00Z");
        }
    }

    private static String callback(JsonNode b) {
        return b.hasNonNull("callbackUrl") ? Params.httpUrl("callbackUrl", b.get("callbackUrl").asText()) : null;
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
}
