package org.openhes.headend.api.http;

import java.net.URI;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import org.openhes.headend.scheduler.meters.Ean;
import org.openhes.headend.scheduler.meters.Meter;
import org.openhes.headend.scheduler.meters.MeterRegistry;

/** Path and query parameters: parsed, or refused with 400 naming the parameter and the value. */
final class Params {
    private Params() {
    }

    /** The meter a path names: 400 when the id is not an EAN, 404 when no such meter is registered. */
    static Meter meterOr404(MeterRegistry meters, String id) {
        String problem = Ean.problem(id);
        if (problem != null) throw ApiProblem.badRequest("id", problem);
        return meters.find(id).orElseThrow(() -> ApiProblem.notFound("unknown meter " + id));
    }

    static LocalDate date(String field, String v) {
        if (v == null) throw ApiProblem.badRequest(field, field + " is required (YYYY-MM-DD)");
        try {
            return LocalDate.parse(v);
        } catch (DateTimeParseException e) {
            throw ApiProblem.badRequest(field, field + " must be a date YYYY-MM-DD (was " + v + ")");
        }
    }

    static long longParam(String field, String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw ApiProblem.badRequest(field, field + " must be a number (was " + v + ")");
        }
    }

    /** An absolute http or https URL (a callback's or a subscription's); anything else could never be delivered. */
    static String httpUrl(String field, String v) {
        try {
            URI u = URI.create(v);
            if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) throw new IllegalArgumentException();
            return v;
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest(field, field + " must be an absolute http(s) URL (was " + v + ")");
        }
    }
}
