package org.openhes.headend.api.cli;

import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.openhes.headend.api.config.HeadendConfig;
import org.openhes.headend.api.config.Settings;
import org.openhes.headend.api.node.HeadendNode;
import org.openhes.headend.scheduler.meters.ImportReport;
import org.openhes.headend.scheduler.plans.ReadPlanner;
import org.openhes.headend.protocol.transport.NettyIo;
import org.openhes.headend.simulator.SimulatedFleet;
import org.openhes.headend.simulator.SimulatorConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code headend demo}: everything on one machine — embedded PostgreSQL, a simulated fleet registered
 * automatically, a daily read run started at once, the API and metrics up, progress on the terminal.
 */
@Command(name = "demo", description = "Run the whole system on this machine: embedded database, simulated fleet, the head-end reading it.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--meters", defaultValue = "1000", description = "Simulated meters (default: ${DEFAULT-VALUE}).")
    int meters;
    @Option(names = "--http-port", defaultValue = "8080", description = "HTTP port of the API and /metrics (default: ${DEFAULT-VALUE}).")
    int httpPort;
    @Option(names = "--data-dir", defaultValue = "headend-data/demo", description = "Where the embedded database lives (default: ${DEFAULT-VALUE}).")
    Path dataDir;
    @Option(names = "--latency", defaultValue = "0ms", description = "Simulated link latency per exchange (default: ${DEFAULT-VALUE}).")
    String latency;
    @Option(names = "--exit-when-done", description = "Stop once the read run is finished (for scripts).")
    boolean exitWhenDone;

    @Override
    public Integer call() throws Exception {
        Clock clock = Clock.systemUTC();
        String token = Optional.ofNullable(System.getenv("HEADEND_ADMIN_TOKEN")).filter(t -> !t.isBlank()).orElseGet(DemoCommand::newToken);
        Settings settings = Settings.load(Optional.empty(), System.getenv())
                .with("http.port", String.valueOf(httpPort)).with("data.dir", dataDir.toString())
                .with("admin.token", token).with("read.plan.enabled", "false").with("push.port", "0")
                .with("pool.max.sessions", String.valueOf(Math.min(500, Math.max(10, meters))));
        HeadendConfig cfg = HeadendConfig.from(settings);
        SimulatorConfig sim = SimulatorConfig.builder().meters(meters).port(0).clock(clock)
                .latency(Settings.parseDuration(latency), Duration.ZERO).build();
        System.out.println("starting " + meters + " simulated meters, the embedded database and the head-end ...");
        NettyIo io = NettyIo.choose(cfg.ioTransport());
        CountDownLatch closed = new CountDownLatch(1); // Ctrl-C waits for the node and its embedded database to stop
        try (SimulatedFleet fleet = SimulatedFleet.start(sim, io.handlers(), io.serverChannel()); HeadendNode node = HeadendNode.start(cfg, clock)) {
            StringWriter csv = new StringWriter();
            fleet.exportCsv(csv);
            ImportReport report = node.services().meters().importCsv(new StringReader(csv.toString()));
            System.out.println("registered " + report.accepted() + " meters (" + report.rejected().size() + " rejected)");
            LocalDate today = LocalDate.now(clock.withZone(cfg.zone()));
            ReadPlanner.ReadRun run = node.services().planner().createRun(today, clock.instant(), Duration.ofSeconds(1));
            node.services().worker().nudge();
            String base = "http://localhost:" + node.httpPort();
            System.out.println();
            System.out.println("  console      " + base + "/console   (sign in with the admin token below)");
            System.out.println("  API          " + base + "/api/v1   (OpenAPI: " + base + "/api/openapi.json)");
            System.out.println("  metrics      " + base + "/metrics");
            System.out.println("  admin token  " + token);
            System.out.println("  try          curl -H 'Authorization: Bearer " + token + "' " + base + "/api/v1/read-runs/" + run.id());
            System.out.println("               curl -H 'Authorization: Bearer " + token + "' -H 'Content-Type: application/json' -d '{\"type\":\"SET_POWER_LIMIT\",\"watts\":2300}' "
                    + base + "/api/v1/meters/" + fleet.identity(0).ean() + "/commands");
            System.out.println();
            long started = System.nanoTime();
            ReadPlanner.Progress p;
            do {
                Thread.sleep(1000);
                p = node.services().planner().progress(run.id()).orElseThrow();
                System.out.printf("read run %d for %s: %d/%d succeeded, %d failed, %d pending (%.0f s)%n", p.id(), p.date(),
                        p.succeeded(), p.total(), p.failed(), p.pending(), (System.nanoTime() - started) / 1e9);
            } while (p.pending() > 0);
            System.out.printf("read run done in %.1f s: %.1f %% of meters read%n", (System.nanoTime() - started) / 1e9, 100 * p.successRatio());
            if (exitWhenDone) return p.failed() == 0 ? 0 : 1;
            System.out.println("the head-end keeps running; Ctrl-C to stop");
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stop.countDown();
                try {
                    closed.await(60, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            stop.await();
        } finally {
            closed.countDown();
        }
        return 0;
    }

    private static String newToken() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return "hes_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

}
