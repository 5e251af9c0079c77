package org.openhes.headend.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.openhes.headend.api.cli.CliExtension;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code headend bench}: end-to-end benchmarks. Each scenario starts what it needs, prints progress on
 * stderr, and ends with one JSON line of figures on stdout (also written under bench-results/).
 * Figures, not verdicts: nothing here asserts a time.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks; each prints one JSON line of figures (also written under bench-results/).")
public final class BenchCommand implements Callable<Integer>, CliExtension {
    /** The scenarios, in the order of the help text. */
    static final Map<String, Supplier<Scenario>> SCENARIOS = new LinkedHashMap<>();

    static {
        SCENARIOS.put("codec", CodecCeiling::new);
        SCENARIOS.put("transport", TransportFloor::new);
        SCENARIOS.put("daily-read", DailyRead::new);
        SCENARIOS.put("latency", Latency::new);
        SCENARIOS.put("plain-client", PlainClient::new);
        SCENARIOS.put("versus-plain", VersusPlainClient::new);
        SCENARIOS.put("commands-under-load", CommandsUnderLoad::new);
        SCENARIOS.put("bulk-display", BulkDisplay::new);
        SCENARIOS.put("burst", Burst::new);
        SCENARIOS.put("chaos", Chaos::new);
        SCENARIOS.put("overload", Overload::new);
        SCENARIOS.put("scheduler", SchedulerThroughput::new);
        SCENARIOS.put("load-profile", LoadProfileStorage::new);
    }

    @Spec
    CommandSpec spec;
    @Option(names = "--scenario", required = true, description = "codec | transport | daily-read | latency | plain-client | versus-plain | "
            + "commands-under-load | bulk-display | burst | chaos | overload | scheduler | load-profile")
    String scenario;
    @Option(names = "--meters", defaultValue = "2000", description = "Fleet size (default: ${DEFAULT-VALUE}).")
    int meters;
    @Option(names = "--latency", defaultValue = "0ms", description = "Per-exchange latency of the simulated links, with its unit: "
            + "200ms, 1s (default: ${DEFAULT-VALUE}).")
    String latency;
    @Option(names = "--jitter", defaultValue = "0ms", description = "Up to this much more per exchange (default: ${DEFAULT-VALUE}).")
    String jitter;
    @Option(names = "--concurrency", defaultValue = "500", description = "Sessions in flight (pool size) (default: ${DEFAULT-VALUE}).")
    int concurrency;
    @Option(names = "--duration", defaultValue = "20s", description = "Measured time of codec, transport, commands-under-load, "
            + "overload and scheduler, with its unit (default: ${DEFAULT-VALUE}).")
    String duration;
    @Option(names = "--rate", defaultValue = "20", description = "Commands per second (commands-under-load) (default: ${DEFAULT-VALUE}).")
    int rate;
    @Option(names = "--clients", defaultValue = "256", description = "HTTP clients sending as fast as they can (overload) "
            + "(default: ${DEFAULT-VALUE}).")
    int clients;
    @Option(names = "--max-queued", defaultValue = "2000", description = "The API's bound on queued commands and reads (overload) "
            + "(default: ${DEFAULT-VALUE}).")
    int maxQueued;
    @Option(names = "--warmup", defaultValue = "0", description = "daily-read, latency: this many other meters are read first, not "
            + "measured, so that the measured run is warm (default: ${DEFAULT-VALUE}).")
    int warmup;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Integer call() throws Exception {
        Supplier<Scenario> chosen = SCENARIOS.get(scenario);
        if (chosen == null) throw new ParameterException(spec.commandLine(), "unknown scenario " + scenario + "; one of " + SCENARIOS.keySet());
        BenchParameters p;
        try {
            p = new BenchParameters(meters, BenchParameters.duration("--latency", latency), BenchParameters.duration("--jitter", jitter),
                    concurrency, BenchParameters.duration("--duration", duration), rate, clients, maxQueued, warmup);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("scenario", scenario);
        chosen.get().run(p, out);
        out.put("cores", Runtime.getRuntime().availableProcessors());
        out.put("at", Instant.now().toString());
        String line = JSON.writeValueAsString(out);
        Path dir = Path.of("bench-results");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(scenario + "-" + System.currentTimeMillis() + ".json"), line + "\n");
        System.out.println(line);
        return 0;
    }
}
