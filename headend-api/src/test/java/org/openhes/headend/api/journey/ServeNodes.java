package org.openhes.headend.api.journey;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.openhes.headend.api.cli.HeadendCli;
import org.openhes.headend.api.contract.ContractHttpClient;

/** `headend serve` nodes as separate processes on one database, for tests that kill them. */
final class ServeNodes {
    static final String TOKEN = "serve-nodes-admin-token-0123456789";
    static final HttpClient http = ContractHttpClient.create();

    private ServeNodes() {
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Starts a node with test-friendly timings; {@code env} adds or overrides settings. */
    static Process start(String id, int port, String dbUrl, Path logs, Map<String, String> env) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"), HeadendCli.class.getName(), "serve");
        Map<String, String> e = pb.environment();
        e.put("HEADEND_NODE_ID", id);
        e.put("HEADEND_HTTP_HOST", "127.0.0.1");
        e.put("HEADEND_HTTP_PORT", String.valueOf(port));
        e.put("HEADEND_PUSH_PORT", "-1");
        e.put("HEADEND_DB_URL", dbUrl);
        e.put("HEADEND_DB_POOL", "6");
        e.put("HEADEND_ADMIN_TOKEN", TOKEN);
        e.put("HEADEND_MASTER_KEY", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");
        e.put("HEADEND_READ_PLAN_ENABLED", "false");
        e.put("HEADEND_WORKER_LEASE", "3s");
        e.put("HEADEND_WORKER_POLL", "100ms");
        e.put("HEADEND_POOL_MAX_SESSIONS", "40");
        e.putAll(env);
        return pb.redirectErrorStream(true).redirectOutput(logs.resolve(id + ".log").toFile()).start();
    }

    static HttpResponse<String> call(int port, String method, String path, String body, String type) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(30));
        if (type != null) b.header("Content-Type", type);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static void awaitReady(int port, Process p, Path logs) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < until) {
            assertThat(p.isAlive()).as("node on %d died: see %s", port, logs).isTrue();
            try {
                if (call(port, "GET", "/health/ready", null, null).statusCode() == 200) return;
            } catch (java.io.IOException notYet) {
                // starting
            }
            Thread.sleep(200);
        }
        throw new AssertionError("node on " + port + " not ready: see " + logs);
    }
}
