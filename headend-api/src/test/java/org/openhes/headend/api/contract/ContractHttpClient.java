package org.openhes.headend.api.contract;

import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

/**
 * The test suite's HTTP client: an ordinary {@link HttpClient} that holds every answer of the API to its
 * OpenAPI document. An answer from an undocumented route, with an undocumented status or media type, or
 * whose body or headers do not validate, fails the test that received it ({@link ContractViolation}).
 * Requests to other servers (a callback receiver, a peer) pass unchecked; only the API's own paths
 * ({@code /api/}, {@code /health/}, {@code /metrics}) are held.
 */
public final class ContractHttpClient extends HttpClient {
    private final HttpClient http;
    private final ApiContract contract;

    private ContractHttpClient(HttpClient http, ApiContract contract) {
        this.http = http;
        this.contract = contract;
    }

    public static ContractHttpClient create() {
        return wrap(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
    }

    public static ContractHttpClient wrap(HttpClient http) {
        return new ContractHttpClient(http, ApiContract.document());
    }

    /** A builder of checked clients, for code that builds its own (the generated platform client). */
    public static HttpClient.Builder builder() {
        return new CheckedBuilder(HttpClient.newBuilder());
    }

    private record CheckedBuilder(HttpClient.Builder b) implements HttpClient.Builder {
        @Override public HttpClient.Builder cookieHandler(CookieHandler h) { b.cookieHandler(h); return this; }
        @Override public HttpClient.Builder connectTimeout(Duration d) { b.connectTimeout(d); return this; }
        @Override public HttpClient.Builder sslContext(SSLContext c) { b.sslContext(c); return this; }
        @Override public HttpClient.Builder sslParameters(SSLParameters p) { b.sslParameters(p); return this; }
        @Override public HttpClient.Builder executor(Executor e) { b.executor(e); return this; }
        @Override public HttpClient.Builder followRedirects(Redirect r) { b.followRedirects(r); return this; }
        @Override public HttpClient.Builder version(Version v) { b.version(v); return this; }
        @Override public HttpClient.Builder priority(int p) { b.priority(p); return this; }
        @Override public HttpClient.Builder proxy(ProxySelector p) { b.proxy(p); return this; }
        @Override public HttpClient.Builder authenticator(Authenticator a) { b.authenticator(a); return this; }
        @Override public HttpClient.Builder localAddress(java.net.InetAddress a) { b.localAddress(a); return this; }
        @Override public HttpClient build() { return wrap(b.build()); }
    }

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException, InterruptedException {
        return checked(http.send(request, HttpResponse.BodyHandlers.ofByteArray()), handler);
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).thenApply(raw -> checked(raw, handler));
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
            HttpResponse.PushPromiseHandler<T> push) {
        return sendAsync(request, handler);
    }

    private <T> HttpResponse<T> checked(HttpResponse<byte[]> raw, HttpResponse.BodyHandler<T> handler) {
        HttpRequest request = raw.request();
        String path = request.uri().getRawPath();
        if (isApi(path)) {
            String what = request.method() + " " + path + " answered " + raw.statusCode();
            var op = contract.operation(request.method(), path)
                    .orElseThrow(() -> new ContractViolation(what + ": the route is not in openapi.json"));
            List<String> wrong = contract.violations(op, raw.statusCode(), raw.headers(), raw.body());
            ContractLedger.record(op.id(), raw.statusCode(), wrong.isEmpty());
            if (!wrong.isEmpty()) {
                throw new ContractViolation(what + " (" + op.id() + "), which openapi.json does not allow:\n  - " + String.join("\n  - ", wrong)
                        + "\n  body: " + preview(raw.body()));
            }
        }
        return new Answer<>(raw, decode(raw, handler));
    }

    private static boolean isApi(String path) {
        return path.startsWith("/api/") || path.startsWith("/health/") || path.equals("/metrics");
    }

    private static String preview(byte[] body) {
        String text = new String(body, java.nio.charset.StandardCharsets.UTF_8);
        return text.length() > 600 ? text.substring(0, 600) + "…" : text;
    }

    /** Feeds the buffered body to the caller's handler, so a test gets the body type it asked for. */
    private static <T> T decode(HttpResponse<byte[]> raw, HttpResponse.BodyHandler<T> handler) {
        HttpResponse.ResponseInfo info = new HttpResponse.ResponseInfo() {
            @Override public int statusCode() { return raw.statusCode(); }
            @Override public HttpHeaders headers() { return raw.headers(); }
            @Override public Version version() { return raw.version(); }
        };
        HttpResponse.BodySubscriber<T> subscriber = handler.apply(info);
        subscriber.onSubscribe(new Flow.Subscription() {
            @Override public void request(long n) { }
            @Override public void cancel() { }
        });
        if (raw.body().length > 0) subscriber.onNext(List.of(ByteBuffer.wrap(raw.body())));
        subscriber.onComplete();
        return subscriber.getBody().toCompletableFuture().join();
    }

    private record Answer<T>(HttpResponse<byte[]> raw, T body) implements HttpResponse<T> {
        @Override public int statusCode() { return raw.statusCode(); }
        @Override public HttpRequest request() { return raw.request(); }
        @Override public Optional<HttpResponse<T>> previousResponse() { return Optional.empty(); }
        @Override public HttpHeaders headers() { return raw.headers(); }
        @Override public Optional<SSLSession> sslSession() { return raw.sslSession(); }
        @Override public URI uri() { return raw.uri(); }
        @Override public Version version() { return raw.version(); }
    }

    @Override public Optional<CookieHandler> cookieHandler() { return http.cookieHandler(); }
    @Override public Optional<Duration> connectTimeout() { return http.connectTimeout(); }
    @Override public Redirect followRedirects() { return http.followRedirects(); }
    @Override public Optional<ProxySelector> proxy() { return http.proxy(); }
    @Override public SSLContext sslContext() { return http.sslContext(); }
    @Override public SSLParameters sslParameters() { return http.sslParameters(); }
    @Override public Optional<Authenticator> authenticator() { return http.authenticator(); }
    @Override public Version version() { return http.version(); }
    @Override public Optional<Executor> executor() { return http.executor(); }
    @Override public void close() { http.close(); }
}
