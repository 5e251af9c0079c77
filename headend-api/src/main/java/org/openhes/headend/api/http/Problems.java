package org.openhes.headend.api.http;

import static org.openhes.headend.api.http.Json.JSON;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import org.openhes.headend.scheduler.commands.CommandStore;

/**
 * RFC 9457 problem documents: how every refusal is written, and the answers to the exceptions routes
 * throw. (The answer to an unexpected exception, which is also logged, is {@code HttpApi.failed}.)
 */
final class Problems {
    private Problems() {
    }

    static void write(Context ctx, int status, String title, String detail, String field) {
        ObjectNode body = JSON.createObjectNode();
        body.put("type", "about:blank");
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        if (field != null) body.put("field", field);
        body.put("instance", ctx.path());
        ctx.status(status).contentType("application/problem+json").result(body.toString());
    }

    /** A request a route refused: its status, with Retry-After when waiting helps. */
    static void refused(ApiProblem e, Context ctx) {
        if (e.retryAfterSeconds > 0) ctx.header("Retry-After", String.valueOf(e.retryAfterSeconds));
        write(ctx, e.status, e.title, e.getMessage(), e.field);
    }

    /** The same Idempotency-Key sent with a different request. */
    static void idempotencyConflict(CommandStore.IdempotencyConflict e, Context ctx) {
        write(ctx, 409, "Idempotency conflict", e.getMessage() + ": send a new key for a new request", "Idempotency-Key");
    }

    /** Javalin's own refusals (a body over the size limit: 413) as problem documents, like every other refusal. */
    static void server(HttpResponseException e, Context ctx) {
        String detail = e.getStatus() == 413 ? "the request body is larger than the server accepts (64 MiB): send less, in several requests"
                : e.getMessage();
        write(ctx, e.getStatus(), HttpStatus.forStatus(e.getStatus()).getMessage(), detail, null);
    }

    /** No route for this method and path (unless something already answered). */
    static void noRoute(Context ctx) {
        if (ctx.result() == null || ctx.result().isEmpty()) write(ctx, 404, "Not found", "no route " + ctx.method() + " " + ctx.path(), null);
    }
}
