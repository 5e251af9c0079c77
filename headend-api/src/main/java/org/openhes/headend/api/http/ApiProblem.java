package org.openhes.headend.api.http;

/**
 * A request the API refuses, answered as RFC 9457 problem details: a status, a short title, what was
 * wrong and, when one field is to blame, its name.
 */
public final class ApiProblem extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final int status;
    final String title;
    final String field;
    /** Seconds a client should wait before trying again (Retry-After), 0 when it does not apply. */
    final int retryAfterSeconds;

    public ApiProblem(int status, String title, String detail, String field) {
        this(status, title, detail, field, 0);
    }

    public ApiProblem(int status, String title, String detail, String field, int retryAfterSeconds) {
        super(detail);
        this.status = status;
        this.title = title;
        this.field = field;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** The HTTP status it is answered with. */
    public int status() {
        return status;
    }

    /** The short title (RFC 9457 "title"). */
    public String title() {
        return title;
    }

    /** The field to blame, or null. */
    public String field() {
        return field;
    }

    public static ApiProblem badRequest(String field, String detail) {
        return new ApiProblem(400, "Invalid request", detail, field);
    }

    /** A well-formed request whose value is refused (out of range, in the past): 422. */
    public static ApiProblem unacceptable(String field, String detail) {
        return new ApiProblem(422, "Unacceptable value", detail, field);
    }

    public static ApiProblem notFound(String what) {
        return new ApiProblem(404, "Not found", what, null);
    }
}
