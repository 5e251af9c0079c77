package org.openhes.headend.api.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialects;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The API's own OpenAPI document ({@code openapi.json}, the file the server serves) used as the judge of
 * answers: for a method, a path, a status, headers and a body it tells what the document does not allow.
 *
 * <p>An answer keeps the contract when its route is documented, its status is listed for the operation,
 * its media type is listed for that status, its body validates against the schema (JSON bodies as JSON,
 * NDJSON line by line against the schema of one line, text bodies as a string) and every header the
 * document marks required is present and valid. Validation is stricter than the document reads: an object
 * that lists its properties may carry no other (the test adds {@code unevaluatedProperties: false}), so a
 * field the code adds without documenting it fails the build, while the published document still lets a
 * client ignore fields that a later version adds.
 */
public final class ApiContract {
    /** The document's identity for $ref resolution; never fetched. */
    static final String BASE = "https://openhes.org/api/openapi.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");
    private static final ApiContract DOCUMENT = load();

    /** One documented operation: its method, path template and where it sits in the document. */
    public record Operation(String method, String template, Pattern pattern, int parameters, String pointer, JsonNode node) {
        public String id() {
            return node.path("operationId").asText(method.toUpperCase(Locale.ROOT) + " " + template);
        }
    }

    private final JsonNode document;
    private final List<Operation> operations;
    private final SchemaRegistry registry;
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

    private ApiContract(JsonNode document) {
        this.document = document;
        this.operations = operationsOf(document);
        JsonNode strict = strictCopy(document);
        String text = strict.toString();
        this.registry = SchemaRegistry.withDefaultDialect(Dialects.getOpenApi31(), b -> b
                .schemas(Map.of(BASE, text))
                .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
    }

    /** The document served by the API (loaded once from the class path). */
    public static ApiContract document() {
        return DOCUMENT;
    }

    public JsonNode json() {
        return document;
    }

    public List<Operation> operations() {
        return operations;
    }

    /** The operation documented for this method and path (no query), the most literal template first. */
    public Optional<Operation> operation(String method, String path) {
        String m = method.toLowerCase(Locale.ROOT);
        return operations.stream().filter(o -> o.method.equals(m) && o.pattern.matcher(path).matches()).findFirst();
    }

    /** What is wrong with this answer (empty when it keeps the contract). */
    public List<String> violations(Operation op, int status, HttpHeaders headers, byte[] body) {
        List<String> wrong = new ArrayList<>();
        JsonNode responses = op.node.path("responses");
        String key = responses.has(String.valueOf(status)) ? String.valueOf(status)
                : responses.has(status / 100 + "XX") ? status / 100 + "XX" : responses.has("default") ? "default" : null;
        if (key == null) {
            wrong.add("status " + status + " is not documented (documented: " + names(responses) + ")");
            return wrong;
        }
        String pointer = op.pointer + "/responses/" + escape(key);
        JsonNode response = responses.get(key);
        if (response.has("$ref")) {
            pointer = response.get("$ref").asText().substring(1);
            response = at(pointer);
        }
        checkHeaders(response.path("headers"), pointer + "/headers", headers, wrong);
        JsonNode content = response.path("content");
        String type = headers.firstValue("Content-Type").map(ApiContract::mediaType).orElse(null);
        if (content.isMissingNode() || content.isEmpty()) {
            if (body.length > 0) wrong.add("the document describes no body, the answer has " + body.length + " bytes of " + type);
            return wrong;
        }
        if (type == null) {
            wrong.add("the answer has no Content-Type (documented: " + names(content) + ")");
            return wrong;
        }
        String mediaKey = content.has(type) ? type : content.has(type.split("/")[0] + "/*") ? type.split("/")[0] + "/*" : null;
        if (mediaKey == null) {
            wrong.add("Content-Type " + type + " is not documented for " + status + " (documented: " + names(content) + ")");
            return wrong;
        }
        JsonNode media = content.get(mediaKey);
        if (!media.has("schema")) return wrong;
        Schema schema = schema(pointer + "/content/" + escape(mediaKey) + "/schema");
        String text = new String(body, StandardCharsets.UTF_8);
        if (type.equals("application/json") || type.endsWith("+json")) {
            validate(schema, parse(text, wrong), "body", wrong);
        } else if (type.equals("application/x-ndjson")) {
            String[] lines = text.split("\n");
            for (int i = 0; i < lines.length && wrong.size() < 5; i++) {
                if (!lines[i].isBlank()) validate(schema, parse(lines[i], wrong), "line " + (i + 1), wrong);
            }
        } else {
            validate(schema, TextNode.valueOf(text), "body", wrong);
        }
        return wrong;
    }

    /** What is wrong with the document's own examples: each must validate against the schema it illustrates. */
    public List<String> exampleViolations() {
        List<String> wrong = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = document.path("components").path("schemas").fields(); it.hasNext(); ) {
            var e = it.next();
            if (e.getValue().has("example")) {
                validate(schema("/components/schemas/" + escape(e.getKey())), e.getValue().get("example"), "example of " + e.getKey(), wrong);
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = document.path("components").path("responses").fields(); it.hasNext(); ) {
            var e = it.next();
            for (Iterator<Map.Entry<String, JsonNode>> media = e.getValue().path("content").fields(); media.hasNext(); ) {
                var m = media.next();
                if (m.getValue().has("example")) {
                    validate(schema("/components/responses/" + escape(e.getKey()) + "/content/" + escape(m.getKey()) + "/schema"),
                            m.getValue().get("example"), "example of response " + e.getKey(), wrong);
                }
            }
        }
        for (Operation op : operations) {
            for (Iterator<Map.Entry<String, JsonNode>> rs = op.node.path("responses").fields(); rs.hasNext(); ) {
                var r = rs.next();
                for (Iterator<Map.Entry<String, JsonNode>> media = r.getValue().path("content").fields(); media.hasNext(); ) {
                    var m = media.next();
                    if (m.getValue().has("example")) {
                        validate(schema(op.pointer + "/responses/" + escape(r.getKey()) + "/content/" + escape(m.getKey()) + "/schema"),
                                m.getValue().get("example"), "example of " + op.id() + " " + r.getKey(), wrong);
                    }
                }
            }
        }
        return wrong;
    }

    private void checkHeaders(JsonNode documented, String pointer, HttpHeaders headers, List<String> wrong) {
        for (Iterator<Map.Entry<String, JsonNode>> it = documented.fields(); it.hasNext(); ) {
            var e = it.next();
            JsonNode header = e.getValue();
            String headerPointer = pointer + "/" + escape(e.getKey());
            if (header.has("$ref")) {
                headerPointer = header.get("$ref").asText().substring(1);
                header = at(headerPointer);
            }
            Optional<String> value = headers.firstValue(e.getKey());
            if (value.isEmpty()) {
                if (header.path("required").asBoolean()) wrong.add("required header " + e.getKey() + " is missing");
            } else if (header.has("schema")) {
                validate(schema(headerPointer + "/schema"), TextNode.valueOf(value.get()), "header " + e.getKey(), wrong);
            }
        }
    }

    private static void validate(Schema schema, JsonNode value, String what, List<String> wrong) {
        if (value == null) return;
        schema.validate(value).stream().limit(5).forEach(error -> wrong.add(what + ": " + error));
    }

    private static JsonNode parse(String text, List<String> wrong) {
        try {
            return JSON.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            wrong.add("the body is not JSON: " + e.getOriginalMessage());
            return null;
        }
    }

    private Schema schema(String pointer) {
        return schemas.computeIfAbsent(pointer, p -> registry.getSchema(SchemaLocation.of(BASE + "#" + p.replace("{", "%7B").replace("}", "%7D"))));
    }

    private JsonNode at(String pointer) {
        JsonNode node = document.at(pointer);
        if (node.isMissingNode()) throw new IllegalStateException("openapi.json has nothing at " + pointer);
        return node;
    }

    private static List<Operation> operationsOf(JsonNode document) {
        List<Operation> ops = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields(); paths.hasNext(); ) {
            var path = paths.next();
            String template = path.getKey();
            int parameters = template.split("\\{", -1).length - 1;
            Pattern pattern = Pattern.compile(Pattern.quote(template).replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q"));
            for (Iterator<Map.Entry<String, JsonNode>> methods = path.getValue().fields(); methods.hasNext(); ) {
                var method = methods.next();
                if (!METHODS.contains(method.getKey())) continue;
                ops.add(new Operation(method.getKey(), template, pattern, parameters, "/paths/" + escape(template) + "/" + method.getKey(),
                        method.getValue()));
            }
        }
        ops.sort(Comparator.comparingInt(Operation::parameters));
        return List.copyOf(ops);
    }

    /** A copy where every object schema that lists its properties admits no other. */
    static JsonNode strictCopy(JsonNode node) {
        JsonNode copy = node.deepCopy();
        tighten(copy, false);
        return copy;
    }

    private static void tighten(JsonNode node, boolean insideAllOf) {
        if (node instanceof ObjectNode o) {
            if (!insideAllOf && o.has("properties") && o.get("properties").isObject() && !o.has("additionalProperties")
                    && !o.has("unevaluatedProperties") && !o.has("patternProperties")) {
                o.put("unevaluatedProperties", false);
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                var e = it.next();
                if (e.getKey().equals("example") || e.getKey().equals("examples")) continue;
                tighten(e.getValue(), e.getKey().equals("allOf"));
            }
        } else if (node.isArray()) {
            for (JsonNode item : node) tighten(item, insideAllOf);
        }
    }

    private static String names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return String.join(", ", names);
    }

    static String mediaType(String contentType) {
        return contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
    }

    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    private static ApiContract load() {
        try (InputStream in = ApiContract.class.getResourceAsStream("/openapi.json")) {
            if (in == null) throw new IllegalStateException("openapi.json is not on the class path");
            return new ApiContract(JSON.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
