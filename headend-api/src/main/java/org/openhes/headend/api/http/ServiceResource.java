package org.openhes.headend.api.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.openhes.headend.api.metrics.HeadendMetrics;
import org.openhes.headend.scheduler.db.Database;
import org.openhes.headend.scheduler.jobs.JobWorker;

/** The service's own routes, open to any caller: liveness, readiness, Prometheus metrics, the OpenAPI document. */
final class ServiceResource {
    private final Database db;
    private final JobWorker worker;
    private final HeadendMetrics metrics;

    ServiceResource(Database db, JobWorker worker, HeadendMetrics metrics) {
        this.db = db;
        this.worker = worker;
        this.metrics = metrics;
    }

    void live(Context ctx) {
        ctx.json(Map.of("status", "UP"));
    }

    /** 200 when the database answers and the workers run, else 503 saying which is down. */
    void ready(Context ctx) {
        boolean db = this.db.isUp();
        boolean workers = worker.healthy();
        Map<String, Object> body = Map.of("status", db && workers ? "UP" : "DOWN", "database", db ? "UP" : "DOWN",
                "workers", workers ? "UP" : "DOWN");
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
