package org.openhes.headend.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.openhes.headend.api.config.Settings;
import org.openhes.headend.api.node.Services;
import org.openhes.headend.protocol.session.MeterSession;
import org.openhes.headend.scheduler.commands.CommandStore;
import org.openhes.headend.scheduler.events.EventStore;
import org.openhes.headend.scheduler.jobs.JobQueue;
import org.openhes.headend.scheduler.jobs.JobType;
import org.openhes.headend.scheduler.keys.MeterSecrets;
import org.openhes.headend.scheduler.meters.ImportReport;
import org.openhes.headend.scheduler.meters.Meter;
import org.openhes.headend.scheduler.meters.MeterRegistry;
import org.openhes.headend.scheduler.plans.ReadPlanner;
import org.openhes.headend.scheduler.reads.IndexRead;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API (JSON under /api/v1), health, metrics and the OpenAPI document. Every route names the
 * roles that may call it; errors are RFC 9457 problem details naming the field and the reason.
 */
public final class HttpApi implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
    static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
            .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    static final Set<String> COMMAND_TYPES = Set.of("DISCONNECT", "RECONNECT", "SET_POWER_LIMIT", "CLEAR_POWER_LIMIT", "DISPLAY_BALANCE");
    private static final Set<Role> READERS = EnumSet.of(Role.PLATFORM, Role.ENGINEER, Role.OPERATOR, Role.ADMIN);
    private static final Set<Role> ACTORS = EnumSet.of(Role.PLATFORM, Role.ENGINEER, Role.ADMIN);
    private static final Set<Role> OPERATORS = EnumSet.of(Role.OPERATOR, Role.ADMIN);
    private static final Set<Role> ADMINS = EnumSet.of(Role.ADMIN);

    private final Services s;
    private final Javalin app;
    private final JobWaiters waiters;

    public HttpApi(Services services) {
        this.s = services;
        this.waiters = new JobWaiters(services.jobs());
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.http.maxRequestSize = 64L * 1024 * 1024;
            config.requestLogger.http((ctx, ms) -> s.metrics().httpRequest(routeOf(ctx), ctx.method().name(), ctx.statusCode(),
                    Duration.ofNanos((long) (ms * 1_000_000))));
            var r = config.routes;
            r.get("/health/live", ctx -> ctx.json(Map.of("status", "UP")));
            r.get("/health/ready", this::ready);
            r.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(s.metrics().scrape()));
            r.get("/api/openapi.json", this::openApi);

            r.post("/api/v1/meters", guard(ADMINS, this::createMeter));
            r.post("/api/v1/meters/import", guard(ADMINS, this::importMeters));
            r.get("/api/v1/meters", guard(READERS, this::listMeters));
            r.get("/api/v1/meters/{id}", guard(READERS, this::getMeter));
            r.get("/api/v1/meters/{id}/daily-reads", guard(READERS, this::meterDailyReads));
            r.post("/api/v1/meters/{id}/reads", guard(ACTORS, this::onDemandRead));
            r.get("/api/v1/meters/{id}/trace", guard(EnumSet.of(Role.ENGINEER, Role.ADMIN), this::trace));
            r.post("/api/v1/meters/{id}/commands", guard(ACTORS, this::submitCommand));
            r.get("/api/v1/commands/{id}", guard(READERS, this::getCommand));
            r.get("/api/v1/daily-reads", guard(EnumSet.of(Role.PLATFORM, Role.OPERATOR, Role.ADMIN), this::fleetDailyReads));
            r.post("/api/v1/read-runs", guard(OPERATORS, this::createReadRun));
            r.get("/api/v1/read-runs/{id}", guard(READERS, this::getReadRun));
            r.get("/api/v1/jobs", guard(OPERATORS, this::listJobs));
            r.post("/api/v1/jobs/{id}/requeue", guard(OPERATORS, this::requeue));
            r.get("/api/v1/events", guard(READERS, this::listEvents));
            r.post("/api/v1/tokens", guard(ADMINS, this::createToken));

            r.exception(ApiProblem.class, (e, ctx) -> {
                if (e.retryAfterSeconds > 0) ctx.header("Retry-After", String.valueOf(e.retryAfterSeconds));
                problem(ctx, e.status, e.title, e.getMessage(), e.field);
            });
            r.exception(CommandStore.IdempotencyConflict.class, (e, ctx) ->
                    problem(ctx, 409, "Idempotency conflict", e.getMessage() + ": send a new key for a new request", "Idempotency-Key"));
            r.exception(Exception.class, (e, ctx) -> {
                log.error("request {} {} failed", ctx.method(), ctx.path(), e);
                problem(ctx, 503, "Service unavailable", "the request could not be completed (" + e.getClass().getSimpleName()
                        + "); nothing was lost, try again", null);
            });
            r.error(404, "*/*", ctx -> {
                if (ctx.result() == null || ctx.result().isEmpty()) problem(ctx, 404, "Not found", "no route " + ctx.method() + " " + ctx.path(), null);
            });
        });
    }

    public HttpApi start(String host, int port) {
        app.start(host, port);
        return this;
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
        waiters.close();
    }

    // ------------------------------------------------------------------ plumbing

    /** The matched route's template ({id} stays a placeholder), or "unmatched". */
    private static String routeOf(Context ctx) {
        try {
            var endpoint = ctx.endpoint();
            return endpoint == null ? "unmatched" : endpoint.path;
        } catch (RuntimeException noRoute) {
            return "unmatched";
        }
    }

    @FunctionalInterface
    interface Route {
        void handle(Context ctx, String caller) throws Exception;
    }

    /** Checks the bearer token: 401 without a valid one, 403 when its role may not call this route. */
    private Handler guard(Set<Role> allowed, Route route) {
        return ctx -> {
            String header = ctx.header("Authorization");
            String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
            s.throttles().checkAuthAllowed(ctx.ip());
            Role role = token == null ? null : s.tokens().roleOf(token).orElse(null);
            if (role == null) {
                if (token != null) s.throttles().authFailed(ctx.ip());
                ctx.header("WWW-Authenticate", "Bearer");
                throw new ApiProblem(401, "Unauthorized", token == null ? "send Authorization: Bearer <token>" : "the token is not valid", null);
            }
            if (!allowed.contains(role)) {
                throw new ApiProblem(403, "Forbidden", "role " + role.name().toLowerCase(Locale.ROOT) + " may not "
                        + ctx.method() + " " + ctx.path(), null);
            }
            route.handle(ctx, role.name().toLowerCase(Locale.ROOT));
        };
    }

    static void problem(Context ctx, int status, String title, String detail, String field) {
        ObjectNode body = JSON.createObjectNode();
        body.put("type", "about:blank");
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        if (field != null) body.put("field", field);
        body.put("instance", ctx.path());
        ctx.status(status).contentType("application/problem+json").result(body.toString());
    }

    /** Refuses a body with a field the route does not know (a typo would otherwise be silently ignored). */
    private static JsonNode body(Context ctx, String... allowed) {
        JsonNode b = body(ctx);
        Set<String> known = Set.of(allowed);
        b.fieldNames().forEachRemaining(f -> {
            if (!known.contains(f)) throw ApiProblem.badRequest(f, "unknown field " + f + "; known: " + new java.util.TreeSet<>(known));
        });
        return b;
    }

    private static JsonNode body(Context ctx) {
        try {
            JsonNode n = JSON.readTree(ctx.body());
            if (n == null || !n.isObject()) throw ApiProblem.badRequest(null, "the body must be a JSON object");
            return n;
        } catch (JsonProcessingException e) {
            throw ApiProblem.badRequest(null, "malformed JSON at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage());
        }
    }

    private Meter meterOr404(String id) {
        String problem = org.openhes.headend.scheduler.meters.Ean.problem(id);
        if (problem != null) throw ApiProblem.badRequest("id", problem);
        return s.meters().find(id).orElseThrow(() -> ApiProblem.notFound("unknown meter " + id));
    }

    private static int limit(Context ctx) {
        String v = ctx.queryParam("limit");
        if (v == null) return 100;
        try {
            int n = Integer.parseInt(v);
            if (n < 1 || n > 1000) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw ApiProblem.badRequest("limit", "limit must be between 1 and 1000 (was " + v + ")");
        }
    }

    private static LocalDate date(String field, String v) {
        if (v == null) throw ApiProblem.badRequest(field, field + " is required (YYYY-MM-DD)");
        try {
            return LocalDate.parse(v);
        } catch (DateTimeParseException e) {
            throw ApiProblem.badRequest(field, field + " must be a date YYYY-MM-DD (was " + v + ")");
        }
    }

    private static Map<String, Object> page(List<?> items, String next) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("items", items);
        m.put("next", next);
        return m;
    }

    // ------------------------------------------------------------------ health and docs

    private void ready(Context ctx) {
        boolean db = s.db().isUp();
        boolean workers = s.worker().healthy();
        Map<String, Object> body = Map.of("status", db && workers ? "UP" : "DOWN", "database", db ? "UP" : "DOWN",
                "workers", workers ? "UP" : "DOWN");
        ctx.status(db && workers ? 200 : 503).json(body);
    }

    private void openApi(Context ctx) throws IOException {
        try (InputStream in = HttpApi.class.getResourceAsStream("/openapi.json")) {
            ctx.contentType("application/json").result(in.readAllBytes());
        }
    }

    // ------------------------------------------------------------------ meters

    private void createMeter(Context ctx, String caller) {
        JsonNode b = body(ctx, "id", "serial", "host", "port", "transport", "clientSap", "serverSap", "hdlcPhysical", "auth",
                "systemTitle", "ek", "ak", "password", "profile", "status", "labels");
        Map<String, String> labels = new LinkedHashMap<>();
        b.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        Meter m = new Meter(text(b, "id"), b.path("serial").asText(""), text(b, "host"), b.path("port").asInt(4059),
                b.path("transport").asText("wrapper"), b.path("clientSap").asInt(1), b.path("serverSap").asInt(1),
                b.path("hdlcPhysical").asInt(0), b.path("auth").asText("hls-gmac"),
                b.hasNonNull("systemTitle") ? b.get("systemTitle").asText().toUpperCase(Locale.ROOT) : null,
                b.path("profile").asText("emucs"), b.path("status").asText("active"), labels);
        MeterSecrets secrets = new MeterSecrets(hex(b, "ek"), hex(b, "ak"), b.hasNonNull("password") ? b.get("password").asText() : null);
        String problem = MeterRegistry.problem(m, secrets);
        if (problem != null) throw ApiProblem.badRequest(fieldOf(problem), problem);
        s.meters().upsertAll(List.of(new MeterRegistry.Registration(m, secrets)));
        s.events().audit(s.clock().instant(), caller, "meter.upsert", m.id(), null);
        ctx.status(201).json(meterJson(m));
    }

    private static String fieldOf(String problem) {
        String first = problem.split(" ")[0];
        return switch (first) {
            case "meter", "bad" -> "id";
            default -> first.replace("_sap", "Sap").replace("system_title", "systemTitle");
        };
    }

    private static String text(JsonNode b, String field) {
        if (!b.hasNonNull(field) || b.get(field).asText().isBlank()) throw ApiProblem.badRequest(field, field + " is required");
        return b.get(field).asText();
    }

    private static byte[] hex(JsonNode b, String field) {
        if (!b.hasNonNull(field)) return null;
        try {
            return HexFormat.of().parseHex(b.get(field).asText());
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest(field, field + " must be hexadecimal");
        }
    }

    private void importMeters(Context ctx, String caller) {
        String type = ctx.contentType() == null ? "" : ctx.contentType();
        ImportReport report;
        if (type.startsWith("application/x-ndjson")) {
            report = importNdjson(ctx.bodyInputStream());
        } else {
            report = s.meters().importCsv(new InputStreamReader(ctx.bodyInputStream(), StandardCharsets.UTF_8));
        }
        if (report.accepted() == 0 && !report.rejected().isEmpty() && report.rejected().get(0).line() == 1
                && report.rejected().get(0).reason().startsWith("header")) {
            throw ApiProblem.badRequest("body", report.rejected().get(0).reason());
        }
        s.events().audit(s.clock().instant(), caller, "meter.import", null, report.accepted() + " accepted, " + report.rejected().size() + " rejected");
        ctx.json(Map.of("accepted", report.accepted(), "rejected", report.rejected()));
    }

    private ImportReport importNdjson(InputStream in) {
        StringBuilder csv = new StringBuilder(MeterRegistry.CSV_HEADER).append('\n');
        List<ImportReport.Rejection> bad = new ArrayList<>();
        List<Integer> lineOf = new ArrayList<>();
        try (var r = new java.io.BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) continue;
                try {
                    JsonNode b = JSON.readTree(line);
                    StringBuilder labels = new StringBuilder();
                    b.path("labels").fields().forEachRemaining(e -> labels.append(labels.isEmpty() ? "" : ";").append(e.getKey()).append('=').append(e.getValue().asText()));
                    csv.append(String.join(",", b.path("id").asText(), b.path("serial").asText(), b.path("host").asText(),
                            b.path("port").asText("4059"), b.path("transport").asText("wrapper"), b.path("clientSap").asText("1"),
                            b.path("serverSap").asText("1"), b.path("auth").asText("hls-gmac"), b.path("systemTitle").asText(),
                            b.path("ek").asText(), b.path("ak").asText(), b.path("password").asText(), b.path("profile").asText("emucs"),
                            labels)).append('\n');
                    lineOf.add(n);
                } catch (JsonProcessingException e) {
                    bad.add(new ImportReport.Rejection(n, "malformed JSON: " + e.getOriginalMessage()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ImportReport r = s.meters().importCsv(new java.io.StringReader(csv.toString()));
        for (ImportReport.Rejection x : r.rejected()) bad.add(new ImportReport.Rejection(lineOf.get(x.line() - 2), x.reason()));
        return new ImportReport(r.accepted(), bad);
    }

    static Map<String, Object> meterJson(Meter m) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("id", m.id());
        j.put("serial", m.serial());
        j.put("host", m.host());
        j.put("port", m.port());
        j.put("transport", m.transport());
        j.put("clientSap", m.clientSap());
        j.put("serverSap", m.serverSap());
        j.put("auth", m.auth());
        j.put("systemTitle", m.systemTitle());
        j.put("profile", m.profile());
        j.put("status", m.status());
        j.put("labels", m.labels());
        return j; // keys are write-only: never returned
    }

    private void listMeters(Context ctx, String caller) {
        int limit = limit(ctx);
        String status = ctx.queryParam("status");
        if (status != null && !Set.of("active", "suspended", "decommissioned").contains(status)) {
            throw ApiProblem.badRequest("status", "status must be active, suspended or decommissioned");
        }
        String label = ctx.queryParam("label");
        if (label != null && !label.contains("=")) throw ApiProblem.badRequest("label", "label must be key=value");
        List<Meter> meters = s.meters().list(status, label, limit + 1, ctx.queryParam("after"));
        String next = meters.size() > limit ? meters.get(limit - 1).id() : null;
        List<Object> items = new ArrayList<>();
        for (Meter m : meters.subList(0, Math.min(limit, meters.size()))) items.add(meterJson(m));
        ctx.json(page(items, next));
    }

    private void getMeter(Context ctx, String caller) {
        ctx.json(meterJson(meterOr404(ctx.pathParam("id"))));
    }

    // ------------------------------------------------------------------ reads

    private void meterDailyReads(Context ctx, String caller) {
        Meter m = meterOr404(ctx.pathParam("id"));
        LocalDate from = date("from", ctx.queryParam("from"));
        LocalDate to = ctx.queryParam("to") == null ? from : date("to", ctx.queryParam("to"));
        if (to.isBefore(from)) throw ApiProblem.badRequest("to", "to must not be before from");
        if (from.plusDays(400).isBefore(to)) throw ApiProblem.badRequest("to", "at most 400 days per request");
        List<IndexRead> reads = s.reads().forMeter(m.id(), from, to, s.zone());
        ctx.json(page(group(reads), null));
    }

    /** Reads of one capture time together: {meterId, capturedAt, registers}. */
    static List<Map<String, Object>> group(List<IndexRead> reads) {
        Map<String, Map<String, Object>> byTime = new LinkedHashMap<>();
        for (IndexRead r : reads) {
            Map<String, Object> day = byTime.computeIfAbsent(r.meterId() + "|" + r.capturedAt(), k -> {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("meterId", r.meterId());
                d.put("capturedAt", r.capturedAt().toString());
                d.put("source", r.source().name());
                d.put("registers", new ArrayList<Map<String, Object>>());
                return d;
            });
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> regs = (List<Map<String, Object>>) day.get("registers");
            Map<String, Object> reg = new LinkedHashMap<>();
            reg.put("obis", r.obis());
            reg.put("value", r.value());
            reg.put("unit", r.unit());
            regs.add(reg);
        }
        return new ArrayList<>(byTime.values());
    }

    /** The whole fleet's midnight reads of one day, streamed as NDJSON (default) or CSV. */
    private void fleetDailyReads(Context ctx, String caller) throws IOException {
        LocalDate day = date("date", ctx.queryParam("date"));
        String format = ctx.queryParam("format") == null ? "ndjson" : ctx.queryParam("format");
        if (!format.equals("ndjson") && !format.equals("csv")) throw ApiProblem.badRequest("format", "format must be ndjson or csv");
        Instant midnight = day.atStartOfDay(s.zone()).toInstant();
        ctx.contentType(format.equals("csv") ? "text/csv" : "application/x-ndjson");
        BufferedWriter out = new BufferedWriter(new OutputStreamWriter(ctx.outputStream(), StandardCharsets.UTF_8), 1 << 16);
        if (format.equals("csv")) out.write("meter_id,captured_at,obis,value,unit\n");
        List<IndexRead> current = new ArrayList<>();
        s.reads().streamDay(day, s.zone(), r -> {
            if (!r.capturedAt().equals(midnight) || r.source() != IndexRead.Source.DAILY_PROFILE) return;
            try {
                if (format.equals("csv")) {
                    out.write(r.meterId() + "," + r.capturedAt() + "," + r.obis() + "," + r.value().toPlainString() + "," + r.unit() + "\n");
                } else {
                    if (!current.isEmpty() && !current.get(0).meterId().equals(r.meterId())) {
                        out.write(JSON.writeValueAsString(group(current).get(0)) + "\n");
                        current.clear();
                    }
                    current.add(r);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        if (!current.isEmpty()) out.write(JSON.writeValueAsString(group(current).get(0)) + "\n");
        out.flush();
    }

    /** Queues an on-demand read; with ?wait=30s answers with the values if they arrive in time. */
    private void onDemandRead(Context ctx, String caller) {
        Meter m = meterOr404(ctx.pathParam("id"));
        Duration wait = Duration.ZERO;
        if (ctx.queryParam("wait") != null) {
            try {
                wait = Settings.parseDuration(ctx.queryParam("wait"));
            } catch (RuntimeException e) {
                throw ApiProblem.badRequest("wait", "wait must be a duration such as 30s (was " + ctx.queryParam("wait") + ")");
            }
            if (wait.compareTo(Duration.ofMinutes(2)) > 0) throw ApiProblem.badRequest("wait", "wait must be at most 2m");
        }
        String payload = "true".equals(ctx.queryParam("trace")) ? "{\"trace\":true}" : "{}";
        long jobId;
        try (var admission = s.throttles().admit()) {
            jobId = s.jobs().enqueue(new JobQueue.NewJob(JobType.ON_DEMAND_READ, m.id(), payload, s.clock().instant(),
                    s.clock().instant().plus(Duration.ofMinutes(15)), null, null));
            admission.queued();
        }
        s.events().audit(s.clock().instant(), caller, "read.on-demand", m.id(), "job " + jobId);
        s.worker().nudge();
        if (wait.isZero()) {
            ctx.status(202).json(Map.of("jobId", jobId, "state", "QUEUED"));
            return;
        }
        CompletableFuture<JobQueue.JobView> ended = waiters.await(jobId, wait);
        if (ended == null) { // too many requests already waiting inline: answer now, the job goes on
            ctx.status(202).json(Map.of("jobId", jobId, "state", "QUEUED"));
            return;
        }
        ctx.future(() -> ended.thenAccept(view -> {
            if (view != null && view.state().equals("SUCCEEDED")) {
                ctx.contentType("application/json").result(s.jobs().resultOf(jobId));
                return;
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("jobId", jobId);
            body.put("state", view == null ? "QUEUED" : view.state());
            body.put("attempts", view == null ? 0 : view.attempts());
            body.put("error", view == null ? null : view.lastFailure());
            ctx.status(202).json(body);
        }));
    }

    /** The last traced sessions of a meter (ask for one with POST .../reads?trace=true). */
    private void trace(Context ctx, String caller) {
        Meter m = meterOr404(ctx.pathParam("id"));
        ctx.json(page(s.traces().of(m.id()), null));
    }

    // ------------------------------------------------------------------ commands

    private void submitCommand(Context ctx, String caller) {
        Meter m = meterOr404(ctx.pathParam("id"));
        JsonNode b = body(ctx, "type", "watts", "amount", "currency", "deadline", "callbackUrl");
        if (b.has("type") && !b.get("type").isTextual()) throw ApiProblem.badRequest("type", "type must be a string");
        String type = b.path("type").asText("");
        if (!COMMAND_TYPES.contains(type)) {
            throw ApiProblem.badRequest("type", "unsupported command " + (type.isEmpty() ? "(missing)" : type) + "; one of " + new java.util.TreeSet<>(COMMAND_TYPES));
        }
        ObjectNode params = JSON.createObjectNode().put("type", type);
        switch (type) {
            case "SET_POWER_LIMIT" -> {
                if (!b.path("watts").canConvertToLong() || !b.path("watts").isIntegralNumber()) {
                    throw ApiProblem.badRequest("watts", "watts must be an integer number of watts");
                }
                long w = b.get("watts").asLong();
                if (w < MeterSession.MIN_POWER_LIMIT_W || w > MeterSession.MAX_POWER_LIMIT_W) {
                    throw ApiProblem.badRequest("watts", "power limit must be between " + MeterSession.MIN_POWER_LIMIT_W + " and "
                            + MeterSession.MAX_POWER_LIMIT_W + " W (was " + w + ")");
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
            if (!deadline.isAfter(s.clock().instant())) throw ApiProblem.badRequest("deadline", "deadline is in the past");
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
        CommandStore.Submitted sub;
        try (var admission = s.throttles().admit()) {
            sub = s.commands().submit(new CommandStore.NewCommand(m.id(), type, params.toString(), caller, key, deadline, callback));
            if (sub.created()) admission.queued();
        }
        if (sub.created()) {
            s.events().audit(s.clock().instant(), caller, "command." + type, m.id(), sub.command().id().toString());
            s.worker().nudge();
        }
        ctx.status(sub.created() ? 202 : 200).header("Location", "/api/v1/commands/" + sub.command().id()).json(commandJson(sub.command()));
    }

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
        j.put("createdAt", c.createdAt().toString());
        j.put("updatedAt", c.updatedAt().toString());
        return j;
    }

    private void getCommand(Context ctx, String caller) {
        UUID id;
        try {
            id = UUID.fromString(ctx.pathParam("id"));
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest("id", "command id must be a UUID");
        }
        ctx.json(commandJson(s.commands().find(id).orElseThrow(() -> ApiProblem.notFound("unknown command " + id))));
    }

    // ------------------------------------------------------------------ operations

    private void createReadRun(Context ctx, String caller) {
        JsonNode b = ctx.body().isBlank() ? JSON.createObjectNode() : body(ctx, "date", "spread");
        LocalDate date = b.hasNonNull("date") ? date("date", b.get("date").asText()) : s.clock().instant().atZone(s.zone()).toLocalDate();
        Duration spread;
        try {
            spread = b.hasNonNull("spread") ? Settings.parseDuration(b.get("spread").asText()) : Duration.ZERO;
        } catch (RuntimeException e) {
            throw ApiProblem.badRequest("spread", "spread must be a duration such as 4h");
        }
        ReadPlanner.ReadRun run = s.planner().createRun(date, s.clock().instant(), spread.isZero() ? Duration.ofSeconds(1) : spread);
        s.events().audit(s.clock().instant(), caller, "read-run.create", date.toString(), "run " + run.id());
        s.worker().nudge();
        ctx.status(run.created() ? 201 : 200).json(runJson(s.planner().progress(run.id()).orElseThrow()));
    }

    static Map<String, Object> runJson(ReadPlanner.Progress p) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("id", p.id());
        j.put("date", p.date().toString());
        j.put("total", p.total());
        j.put("succeeded", p.succeeded());
        j.put("failed", p.failed());
        j.put("pending", p.pending());
        return j;
    }

    private void getReadRun(Context ctx, String caller) {
        long id = longParam("id", ctx.pathParam("id"));
        ctx.json(runJson(s.planner().progress(id).orElseThrow(() -> ApiProblem.notFound("unknown read run " + id))));
    }

    private static long longParam(String field, String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw ApiProblem.badRequest(field, field + " must be a number (was " + v + ")");
        }
    }

    private void listJobs(Context ctx, String caller) {
        String state = ctx.queryParam("state") == null ? "DEAD" : ctx.queryParam("state");
        if (!Set.of("QUEUED", "RUNNING", "SUCCEEDED", "DEAD").contains(state)) {
            throw ApiProblem.badRequest("state", "state must be QUEUED, RUNNING, SUCCEEDED or DEAD");
        }
        int limit = limit(ctx);
        long after = ctx.queryParam("after") == null ? 0 : longParam("after", ctx.queryParam("after"));
        List<JobQueue.JobView> jobs = s.jobs().list(state, limit + 1, after);
        String next = jobs.size() > limit ? String.valueOf(jobs.get(limit - 1).id()) : null;
        ctx.json(page(jobs.subList(0, Math.min(limit, jobs.size())), next));
    }

    private void requeue(Context ctx, String caller) {
        long id = longParam("id", ctx.pathParam("id"));
        if (!s.jobs().requeue(id)) throw new ApiProblem(409, "Not dead", "job " + id + " is not dead (only dead jobs can be re-queued)", "id");
        s.events().audit(s.clock().instant(), caller, "job.requeue", String.valueOf(id), null);
        s.worker().nudge();
        ctx.json(s.jobs().find(id));
    }

    private void listEvents(Context ctx, String caller) {
        Instant since = null;
        if (ctx.queryParam("since") != null) {
            try {
                since = Instant.parse(ctx.queryParam("since"));
            } catch (DateTimeParseException e) {
                throw ApiProblem.badRequest("since", "since must be an ISO-8601 instant");
            }
        }
        List<Map<String, Object>> items = new ArrayList<>();
        int limit = limit(ctx);
        for (EventStore.Event e : s.events().list(ctx.queryParam("meter"), since, limit)) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("id", e.id());
            j.put("meterId", e.meterId());
            j.put("type", e.type());
            j.put("at", e.at().toString());
            try {
                j.put("payload", JSON.readTree(e.payloadJson()));
            } catch (JsonProcessingException ex) {
                j.put("payload", e.payloadJson());
            }
            items.add(j);
        }
        // the next page: ?since=<the last event's time>
        ctx.json(page(items, items.size() < limit ? null : (String) items.get(items.size() - 1).get("at")));
    }

    private void createToken(Context ctx, String caller) {
        JsonNode b = body(ctx, "name", "role");
        Role role;
        try {
            role = Role.valueOf(b.path("role").asText("").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest("role", "role must be platform, engineer, operator or admin");
        }
        String name = b.path("name").asText("token");
        String token = s.tokens().create(name, role);
        s.events().audit(s.clock().instant(), caller, "token.create", name, role.name());
        ctx.status(201).json(Map.of("name", name, "role", role.name().toLowerCase(Locale.ROOT), "token", token));
    }
}
