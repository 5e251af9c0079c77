package org.openhes.headend.api.cli;

import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.openhes.headend.api.config.Settings;
import org.openhes.headend.protocol.transport.NettyIo;
import org.openhes.headend.simulator.FaultRates;
import org.openhes.headend.simulator.MeterIdentity;
import org.openhes.headend.simulator.MeterVariants;
import org.openhes.headend.simulator.SimTransport;
import org.openhes.headend.simulator.SimulatedFleet;
import org.openhes.headend.simulator.SimulatorConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code headend simulate}: a fleet of simulated meters until Ctrl-C. */
@Command(name = "simulate", description = "Run a fleet of simulated DLMS/COSEM meters on loopback addresses until interrupted.")
final class SimulateCommand implements Callable<Integer> {
    @Option(names = "--meters", defaultValue = "10", description = "Number of meters (default: ${DEFAULT-VALUE}).")
    int meters;
    @Option(names = "--seed", defaultValue = "1", description = "Fleet seed: identities and keys derive from it (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--port", defaultValue = "4059", description = "TCP port (default: ${DEFAULT-VALUE}).")
    int port;
    @Option(names = "--single-address", description = "All meters on 127.0.0.1, one port each from --port.")
    boolean singleAddress;
    @Option(names = "--transport", defaultValue = "wrapper", description = "wrapper or hdlc (default: ${DEFAULT-VALUE}).")
    String transport;
    @Option(names = "--latency", defaultValue = "0ms", description = "Added before every reply (default: ${DEFAULT-VALUE}).")
    String latency;
    @Option(names = "--jitter", defaultValue = "0ms", description = "Up to this much more, uniformly (default: ${DEFAULT-VALUE}).")
    String jitter;
    @Option(names = "--faults", defaultValue = "", description = "Fractions of misbehaving connections, e.g. refuse=0.01,drop=0.01,silent=0.01,corrupt=0.01,reject=0.01 (default: none).")
    String faults;
    @Option(names = "--wrong-keys", defaultValue = "0", description = "This many meters (the last ones) use other keys than they export (default: ${DEFAULT-VALUE}).")
    int wrongKeys;
    @Option(names = "--export", description = "Write the meter registry (CSV with keys) to this file.")
    Path export;
    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "With --single-address: the address to listen on (default: ${DEFAULT-VALUE}).")
    String bind;
    @Option(names = "--advertise-host", description = "With --single-address: the host name written into the exported registry (e.g. the container's service name).")
    String advertiseHost;
    @Option(names = "--allow-remote", description = "Accept head-ends from other hosts (containers); loopback only otherwise.")
    boolean allowRemote;
    @Option(names = "--variant", defaultValue = "", paramLabel = "LIST", description = "Quirks of real meters that every meter plays, comma-separated, e.g. aare-no-auth-required,small-pdu=256,scaler=3 (an unknown name lists the known ones; default: none).")
    String variant;

    /** The transport of the {@code io.transport} setting (HEADEND_IO_TRANSPORT), read as the head-end node reads it. */
    static NettyIo nettyIo() {
        return NettyIo.choose(Settings.load(Optional.empty(), System.getenv()).string("io.transport", "auto"));
    }

    @Override
    public Integer call() throws Exception {
        SimulatorConfig config;
        try {
            config = SimulatorConfig.builder().meters(meters).seed(seed).port(port).singleAddress(singleAddress)
                    .transport(switch (transport) {
                        case "wrapper" -> SimTransport.WRAPPER;
                        case "hdlc" -> SimTransport.HDLC;
                        default -> throw new IllegalArgumentException("--transport must be wrapper or hdlc (was " + transport + ")");
                    })
                    .latency(dur("--latency", latency), dur("--jitter", jitter)).faults(FaultRates.parse(faults))
                    .wrongKeyMeters(wrongKeys).bindHost(bind).advertiseHost(advertiseHost).allowRemote(allowRemote)
                    .variants(MeterVariants.parse(variant)).build();
        } catch (IllegalArgumentException e) {
            throw new OneMeter.BadOption(e.getMessage());
        }
        NettyIo io = nettyIo();
        try (SimulatedFleet fleet = SimulatedFleet.start(config, io.handlers(), io.serverChannel())) {
            if (export != null) {
                try (Writer w = Files.newBufferedWriter(export, StandardCharsets.UTF_8)) {
                    fleet.exportCsv(w);
                }
                System.out.println("registry written to " + export + " (contains keys: keep it private)");
            }
            MeterIdentity first = fleet.identity(0);
            System.out.println(meters + " simulated meters, first " + first.ean() + " at " + first.hostAndPort()
                    + (meters > 1 ? ", last at " + fleet.identity(meters - 1).hostAndPort() : "")
                    + (config.variants().isEmpty() ? "" : ", variants " + config.variants()));
            System.out.println("try: ./headend read --meter " + first.hostAndPort() + " --ek "
                    + java.util.HexFormat.of().withUpperCase().formatHex(first.encryptionKey()) + " --ak "
                    + java.util.HexFormat.of().withUpperCase().formatHex(first.authenticationKey()));
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            stop.await();
        }
        return 0;
    }

    private static Duration dur(String option, String v) {
        try {
            return Settings.parseDuration(v);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(option + " must be a duration such as 200ms (was " + v + ")");
        }
    }
}
