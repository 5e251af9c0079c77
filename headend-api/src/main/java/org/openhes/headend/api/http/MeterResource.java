package org.openhes.headend.api.http;

import static org.openhes.headend.api.http.Json.JSON;
import static org.openhes.headend.api.http.Json.body;
import static org.openhes.headend.api.http.Json.hex;
import static org.openhes.headend.api.http.Json.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.openhes.headend.scheduler.events.EventStore;
import org.openhes.headend.scheduler.keys.MeterSecrets;
import org.openhes.headend.scheduler.meters.ImportReport;
import org.openhes.headend.scheduler.meters.Meter;
import org.openhes.headend.scheduler.meters.MeterRegistry;

/**
 * /meters: register one meter (with its keys and master key), import many (CSV or NDJSON), list them, get
 * one. Keys are write-only: no answer ever carries them.
 */
final class MeterResource {
    private final MeterRegistry meters;
    private final EventStore events;
    private final InstantSource clock;

    MeterResource(MeterRegistry meters, EventStore events, InstantSource clock) {
        this.meters = meters;
        this.events = events;
        this.clock = clock;
    }

    void create(Context ctx, String caller) {
        JsonNode b = body(ctx, "id", "serial", "host", "port", "transport", "clientSap", "serverSap", "hdlcPhysical", "auth",
                "systemTitle", "ek", "ak", "password", "kek", "profile", "status", "labels");
        Map<String, String> labels = new LinkedHashMap<>();
        b.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        Meter m = new Meter(text(b, "id"), b.path("serial").asText(""), text(b, "host"), b.path("port").asInt(4059),
                b.path("transport").asText("wrapper"), b.path("clientSap").asInt(1), b.path("serverSap").asInt(1),
                b.path("hdlcPhysical").asInt(0), b.path("auth").asText("hls-gmac"),
                b.hasNonNull("systemTitle") ? b.get("systemTitle").asText().toUpperCase(Locale.ROOT) : null,
                b.path("profile").asText("emucs"), b.path("status").asText("active"), labels);
        MeterSecrets secrets = new MeterSecrets(hex(b, "ek"), hex(b, "ak"), b.hasNonNull("password") ? b.get("password").asText() : null,
                hex(b, "kek"));
        String problem = meters.validate(m, secrets);
        if (problem != null) throw ApiProblem.badRequest(fieldOf(problem), problem);
        meters.upsertAll(List.of(new MeterRegistry.Registration(m, secrets)));
        events.audit(clock.instant(), caller, "meter.upsert", m.id(), null);
        ctx.status(201).header("Location", "/api/v1/meters/" + m.id()).json(meterJson(m));
    }

    /** The body field a registry problem is about (the registry speaks of CSV columns). */
    private static String fieldOf(String problem) {
        String first = problem.split(" ")[0];
        return switch (first) {
            case "meter", "bad" -> "id";
            default -> first.replace("_sap", "Sap").replace("system_title", "systemTitle");
        };
    }

    /** A CSV registry (the simulator's export) or, with Content-Type application/x-ndjson, one JSON meter a line. */
    void importMeters(Context ctx, String caller) {
        String type = ctx.contentType() == null ? "" : ctx.contentType();
        ImportReport report;
        if (type.startsWith("application/x-ndjson")) {
            report = importNdjson(ctx.bodyInputStream());
        } else {
            report = meters.importCsv(new InputStreamReader(ctx.bodyInputStream(), StandardCharsets.UTF_8));
        }
        if (report.accepted() == 0 && !report.rejected().isEmpty() && report.rejected().get(0).line() == 1
                && report.rejected().get(0).reason().startsWith("header")) {
            throw ApiProblem.badRequest("body", report.rejected().get(0).reason());
        }
        events.audit(clock.instant(), caller, "meter.import", null, report.accepted() + " accepted, " + report.rejected().size() + " rejected");
        ctx.json(Map.of("accepted", report.accepted(), "rejected", report.rejected()));
    }

    /** NDJSON is turned into the CSV import; rejections name the NDJSON line. */
    private ImportReport importNdjson(InputStream in) {
        StringBuilder csv = new StringBuilder(MeterRegistry.CSV_HEADER_WITH_KEK).append('\n');
        List<ImportReport.Rejection> bad = new ArrayList<>();
        List<Integer> lineOf = new ArrayList<>();
        try (var r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
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
                            labels, b.path("kek").asText())).append('\n');
                    lineOf.add(n);
                } catch (JsonProcessingException e) {
                    bad.add(new ImportReport.Rejection(n, "malformed JSON: " + e.getOriginalMessage()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ImportReport r = meters.importCsv(new StringReader(csv.toString()));
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

    /** ?status=, ?label=key=value, keyset pages by meter id. */
    void list(Context ctx, String caller) {
        int limit = Pages.limit(ctx);
        String status = ctx.queryParam("status");
        if (status != null && !Set.of("active", "suspended", "decommissioned").contains(status)) {
            throw ApiProblem.badRequest("status", "status must be active, suspended or decommissioned");
        }
        String label = ctx.queryParam("label");
        if (label != null && !label.contains("=")) throw ApiProblem.badRequest("label", "label must be key=value");
        List<Meter> found = meters.list(status, label, limit + 1, ctx.queryParam("after"));
        ctx.json(Pages.keyset(found, limit, Meter::id, MeterResource::meterJson));
    }

    void get(Context ctx, String caller) {
        ctx.json(meterJson(Params.meterOr404(meters, ctx.pathParam("id"))));
    }
}
