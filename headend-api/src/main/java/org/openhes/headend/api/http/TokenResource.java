package org.openhes.headend.api.http;

import static org.openhes.headend.api.http.Json.body;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.time.InstantSource;
import java.util.Locale;
import java.util.Map;
import org.openhes.headend.scheduler.events.EventStore;

/** /tokens: a new API token for a role, shown once in the answer (only its hash is stored). */
final class TokenResource {
    private final Tokens tokens;
    private final EventStore events;
    private final InstantSource clock;

    TokenResource(Tokens tokens, EventStore events, InstantSource clock) {
        this.tokens = tokens;
        this.events = events;
        this.clock = clock;
    }

    void create(Context ctx, String caller) {
        JsonNode b = body(ctx, "name", "role");
        Role role;
        try {
            role = Role.valueOf(b.path("role").asText("").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest("role", "role must be platform, engineer, operator or admin");
        }
        String name = b.path("name").asText("token");
        String token = tokens.create(name, role);
        events.audit(clock.instant(), caller, "token.create", name, role.name());
        ctx.status(201).json(Map.of("name", name, "role", role.name().toLowerCase(Locale.ROOT), "token", token));
    }
}
