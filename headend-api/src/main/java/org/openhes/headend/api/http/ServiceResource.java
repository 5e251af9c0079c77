package org.openhes.headend.api.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openhes.headend.api.metrics.HeadendMetrics;
import org.openhes.headend.scheduler.db.DatabaseHealth;
import org.openhes.headend.scheduler.jobs.JobWorker;

/** The service's own routes, open to any caller: liveness, readiness, Prometheus metrics, the OpenAPI document. */
final class ServiceResource {
    private final DatabaseHealth db;
    private final JobWorker worker;
    private final HeadendMetrics metrics;

    ServiceResource(DatabaseHealth db, JobWorker worker, HeadendMetrics metrics) {
        this.db = db;
        this.worker = worker;
        this.metrics = metrics;
    }

    void live(Context ctx) {
        ctx.json(Map.of("status", "UP"));
    }

    /**
     * 200 when the database answered its last check and the workers run, else 503 saying which is
     * down: answered from what the node keeps, without waiting on the database.
     */
    void ready(Context ctx) {
        DatabaseHealth.State health = this.db.state();
        boolean stale = this.db.stale();
        boolean db = health.up() && !stale;
        boolean workers = worker.healthy();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", db && workers ? "UP" : "DOWN");
        body.put("database", db ? "UP" : "DOWN");
        body.put("databaseCheckedAt", health.checkedAt().toString());
        if (!health.up()) body.put("databaseDownSince", health.since().toString()); // why is in the log, not shown to any caller
        if (stale) body.put("databaseCheck", "stale: it has not run since " + health.checkedAt());
        body.put("workers", workers ? "UP" : "DOWN");
        if (!db) ctx.header("Retry-After", String.valueOf(this.db.retryAfter().toSeconds()));
        ctx.status(db && workers ? 200 : 503).json(body);
    }

    void metrics(Context ctx) {
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
    }

    void openApi(Context ctx) throws IOException {
        try (InputStream in = ServiceResource.class.getResourceAsStream("/openapi.json")) {
            ctx.contentType("application/json").result(in.readAllBytes());
        }
    }
}
