package org.openhes.headend.api.journey;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openhes.headend.api.cli.HeadendCli;
import org.openhes.headend.api.contract.ContractHttpClient;

/**
 * {@code serve} without db.url, killed with SIGKILL, then started again at once in the same data
 * directory (as an operator or a supervisor would): it comes up on the same data, the killed one's
 * PostgreSQL is gone, and a clean stop takes the new server with it.
 */
class KilledServeRestartTest {
    static final String TOKEN = "killed-serve-admin-token-0123456789";
    final HttpClient http = ContractHttpClient.create();
    final List<Process> nodes = new ArrayList<>();

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    Process serve(Path dataDir, int port, Path log) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx384m", "-cp", System.getProperty("java.class.path"), HeadendCli.class.getName(), "serve");
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("HEADEND_"));
        env.put("HEADEND_DATA_DIR", dataDir.toString());
        env.put("HEADEND_HTTP_HOST", "127.0.0.1");
        env.put("HEADEND_HTTP_PORT", String.valueOf(port));
        env.put("HEADEND_PUSH_PORT", "-1");
        env.put("HEADEND_DB_POOL", "4");
        env.put("HEADEND_ADMIN_TOKEN", TOKEN);
        env.put("HEADEND_READ_PLAN_ENABLED", "false");
        Process p = pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        nodes.add(p);
        return p;
    }

    int status(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Authorization", "Bearer " + TOKEN)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    void awaitReady(int port, Process p, Path log) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < until) {
            assertThat(p.isAlive()).as("serve died: %s", Files.exists(log) ? Files.readString(log) : "").isTrue();
            try {
                if (status(port, "/health/ready") == 200) return;
            } catch (java.io.IOException starting) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("serve not ready: " + Files.readString(log));
    }

    static ProcessHandle postmaster(Path dataDir) throws Exception {
        String pid = Files.readAllLines(dataDir.resolve("postgres/postmaster.pid")).get(0).trim();
        return ProcessHandle.of(Long.parseLong(pid)).orElseThrow();
    }

    @AfterEach
    void stopAll() {
        nodes.forEach(Process::destroyForcibly);
    }

    @Test
    void aServeStartedRightAfterAKilledOneComesUpAndTheOrphanIsGone() throws Exception {
        Path dataDir = Files.createTempDirectory("killed-serve");
        Path log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
        int port = freePort();
        Process first = serve(dataDir, port, log);
        awaitReady(port, first, log);
        ProcessHandle firstServer = postmaster(dataDir);
        assertThat(status(port, "/api/v1/meters")).isEqualTo(200);

        first.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook runs
        long t0 = System.nanoTime();
        Process second = serve(dataDir, port, log);
        awaitReady(port, second, log);
        System.out.printf("a serve started right after a SIGKILL was ready in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        assertThat(firstServer.isAlive()).as("the killed head-end's PostgreSQL is gone").isFalse();
        ProcessHandle secondServer = postmaster(dataDir);
        assertThat(secondServer.pid()).isNotEqualTo(firstServer.pid());
        assertThat(status(port, "/api/v1/meters")).isEqualTo(200);
        assertThat(Files.readString(log)).doesNotContain("cannot start the embedded PostgreSQL");

        second.destroy(); // SIGTERM: a clean stop
        assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
        secondServer.onExit().get(30, TimeUnit.SECONDS);
        assertThat(Files.exists(dataDir.resolve("postgres.owner"))).as("a clean stop forgets its owner record").isFalse();
    }
}
