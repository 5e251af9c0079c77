package org.openhes.headend.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.javalin.http.Context;
import java.util.HexFormat;
import java.util.Set;
import java.util.TreeSet;

/**
 * The API's JSON mapper and the reading of request bodies: a body is one JSON object, a field the route
 * does not know is refused, malformed JSON is answered with its line and column.
 */
final class Json {
    /** Reads bodies and stored JSON, writes problem documents and streamed lines ({@code ctx.json} uses Javalin's mapper). */
    static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private Json() {
    }

    /** Refuses a body with a field the route does not know (a typo would otherwise be silently ignored). */
    static JsonNode body(Context ctx, String... allowed) {
        JsonNode b = body(ctx);
        Set<String> known = Set.of(allowed);
        b.fieldNames().forEachRemaining(f -> {
            if (!known.contains(f)) throw ApiProblem.badRequest(f, "unknown field " + f + "; known: " + new TreeSet<>(known));
        });
        return b;
    }

    static JsonNode body(Context ctx) {
        try {
            JsonNode n = JSON.readTree(ctx.body());
            if (n == null || !n.isObject()) throw ApiProblem.badRequest(null, "the body must be a JSON object");
            return n;
        } catch (JsonProcessingException e) {
            throw ApiProblem.badRequest(null, "malformed JSON at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage());
        }
    }

    /** A required, non-blank text field. */
    static String text(JsonNode b, String field) {
        if (!b.hasNonNull(field) || b.get(field).asText().isBlank()) throw ApiProblem.badRequest(field, field + " is required");
        return b.get(field).asText();
    }

    /** An optional hexadecimal field, null when absent. */
    static byte[] hex(JsonNode b, String field) {
        if (!b.hasNonNull(field)) return null;
        try {
            return HexFormat.of().parseHex(b.get(field).asText());
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest(field, field + " must be hexadecimal");
        }
    }
}
