package org.openhes.headend.api.console;

import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.openhes.headend.api.http.ApiProblem;
import org.openhes.headend.api.http.Role;
import org.openhes.headend.api.http.Tokens;
import org.openhes.headend.scheduler.events.EventStore;
import org.openhes.headend.scheduler.meters.ImportReport;
import org.openhes.headend.scheduler.meters.MeterRegistry;

/**
 * Admins: API tokens (create one, shown once; revoke one, which ends its console sessions) and the
 * meter import (the registry's CSV, as a file or pasted) with its report line by line.
 */
public final class AdminPages {
    public record TokenRow(String id, String name, String role, String created) {
    }

    public record TokensView(Frame frame, List<TokenRow> tokens, String createdToken, String createdName) {
    }

    public record RevokeView(Frame frame, TokenRow token) {
    }

    public record ImportView(Frame frame, ImportReport report, String header) {
    }

    private final Tokens tokens;
    private final MeterRegistry meters;
    private final EventStore events;
    private final InstantSource clock;
    private final Views views;
    private final Frames frames;
    private final DateTimeFormatter time;

    AdminPages(Tokens tokens, MeterRegistry meters, EventStore events, InstantSource clock, ZoneId zone, Views views, Frames frames) {
        this.tokens = tokens;
        this.meters = meters;
        this.events = events;
        this.clock = clock;
        this.views = views;
        this.frames = frames;
        this.time = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(zone);
    }

    void tokens(Context ctx, Caller caller) {
        views.render(ctx, "tokens.jte", new TokensView(frames.of(ctx, "Tokens", caller, "tokens"), rows(), null, null));
    }

    /** Creates a token and shows it this once (the page is not cached); only its hash is kept. */
    void create(Context ctx, Caller caller) {
        String name = ctx.formParam("name") == null ? "" : ctx.formParam("name").trim();
        if (name.isEmpty() || name.length() > 100) throw new ApiProblem(400, "Invalid request", "a token needs a name of 1 to 100 characters (who or what uses it)", "name");
        Role role;
        try {
            role = Role.valueOf(String.valueOf(ctx.formParam("role")).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ApiProblem(400, "Invalid request", "role must be platform, engineer, operator or admin", "role");
        }
        String token = tokens.create(name, role);
        events.audit(clock.instant(), caller.actor(), "token.create", name, role.name().toLowerCase(Locale.ROOT));
        views.render(ctx, "tokens.jte", new TokensView(frames.of(ctx, "Tokens", caller, "tokens"), rows(), token, name));
    }

    /** Without confirmed=yes: the confirmation naming the token; with it: revoked. */
    void revoke(Context ctx, Caller caller) {
        String id = ctx.pathParam("id");
        TokenRow row = rows().stream().filter(r -> r.id().equals(id)).findFirst()
                .orElseThrow(() -> new ApiProblem(404, "Unknown token", "no such token (revoked already?)", null));
        if (!"yes".equals(ctx.formParam("confirmed"))) {
            views.render(ctx, "revoke.jte", new RevokeView(frames.of(ctx, "Revoke " + row.name(), caller, "tokens"), row));
            return;
        }
        tokens.revoke(id);
        events.audit(clock.instant(), caller.actor(), "token.revoke", row.name(), row.role());
        Frames.redirectWithNotice(ctx, "/console/admin/tokens", "Token \"" + row.name() + "\" (" + row.role() + ") is revoked; its sessions have ended.");
    }

    void importForm(Context ctx, Caller caller) {
        views.render(ctx, "import.jte", new ImportView(frames.of(ctx, "Import meters", caller, "import"), null, MeterRegistry.CSV_HEADER_WITH_KEK));
    }

    /** Imports the uploaded (or pasted) CSV and shows what was accepted and each refused line with its reason. */
    void importCsv(Context ctx, Caller caller) throws Exception {
        UploadedFile file = ctx.uploadedFile("file");
        String pasted = ctx.formParam("csv");
        Reader in;
        if (file != null && file.size() > 0) in = new InputStreamReader(file.content(), StandardCharsets.UTF_8);
        else if (pasted != null && !pasted.isBlank()) in = new StringReader(pasted);
        else throw new ApiProblem(400, "Invalid request", "choose a CSV file or paste its lines (the first line is the header)", "file");
        ImportReport report;
        try (in) {
            report = meters.importCsv(in);
        }
        events.audit(clock.instant(), caller.actor(), "meter.import", null, report.accepted() + " accepted, " + report.rejected().size() + " rejected");
        views.render(ctx, "import.jte", new ImportView(frames.of(ctx, "Import meters", caller, "import"), report, MeterRegistry.CSV_HEADER_WITH_KEK));
    }

    private List<TokenRow> rows() {
        List<TokenRow> out = new ArrayList<>();
        for (Tokens.TokenInfo t : tokens.list()) out.add(new TokenRow(t.id(), t.name(), t.role().name().toLowerCase(Locale.ROOT), time.format(t.createdAt())));
        return out;
    }
}
