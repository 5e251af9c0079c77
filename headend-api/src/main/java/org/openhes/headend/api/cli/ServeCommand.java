package org.openhes.headend.api.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.openhes.headend.api.config.HeadendConfig;
import org.openhes.headend.api.config.Settings;
import org.openhes.headend.api.node.HeadendNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code headend serve}: one production node until SIGTERM. */
@Command(name = "serve", description = "Run a head-end node: HTTP API, job workers, connection pool, daily read plans.")
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--config", description = "Settings file (properties: http.port=8080 ...); HEADEND_* variables override it.")
    Path config;

    @Override
    public Integer call() throws Exception {
        HeadendConfig cfg = HeadendConfig.from(Settings.load(Optional.ofNullable(config), System.getenv()));
        CountDownLatch stop = new CountDownLatch(1);
        try (HeadendNode node = HeadendNode.start(cfg, Clock.systemUTC())) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stop.countDown();
                node.close();
            }));
            System.err.println("headend: node " + cfg.nodeId() + " serving on port " + node.httpPort());
            stop.await();
        }
        return 0;
    }
}
