package org.openhes.headend.api.callbacks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;

/** POSTs a signed JSON body and says what the answer means for delivery. */
public final class SignedPost {
    /** What one attempt came to. */
    public enum Outcome { DELIVERED, RETRY, REFUSED }

    /** An attempt's outcome and, unless delivered, why (shown to operators: a status or an I/O error, never a body). */
    public record Result(Outcome outcome, String why) {
    }

    private final CallbackSigner signer;
    private final InstantSource clock;
    private final Duration timeout;
    private final HttpClient http;

    public SignedPost(CallbackSigner signer, InstantSource clock, Duration timeout) {
        this.signer = signer;
        this.clock = clock;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public CompletableFuture<Result> post(String url, byte[] body) {
        HttpRequest req;
        try {
            req = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).header("Content-Type", "application/json")
                    .header(CallbackSigner.HEADER, signer.sign(clock.instant().getEpochSecond(), body))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(new Result(Outcome.REFUSED, "not a usable URL: " + e.getMessage()));
        }
        return http.sendAsync(req, HttpResponse.BodyHandlers.discarding())
                .handle((resp, error) -> error != null ? new Result(Outcome.RETRY, error.getClass().getSimpleName()
                        + (error.getMessage() == null ? "" : ": " + error.getMessage())) : meaning(resp.statusCode()));
    }

    /**
     * 2xx: delivered. 408, 429 and 5xx: the receiver is busy or down, try again. Any other status (a
     * redirect, 404, 410, 401…) will not change by itself: refused, dead until an operator acts.
     */
    static Result meaning(int status) {
        if (status / 100 == 2) return new Result(Outcome.DELIVERED, null);
        if (status == 408 || status == 429 || status / 100 == 5) return new Result(Outcome.RETRY, "HTTP " + status);
        return new Result(Outcome.REFUSED, "HTTP " + status);
    }
}
