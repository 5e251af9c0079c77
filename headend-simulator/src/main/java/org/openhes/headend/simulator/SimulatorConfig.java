package org.openhes.headend.simulator;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Objects;

/**
 * Everything that shapes a simulated fleet. Built with {@link #builder()}; {@code build()} fails naming
 * the setting and the value.
 *
 * @param meters               number of meters
 * @param seed                 fleet seed: identities, keys and faults derive from it
 * @param port                 TCP port (0 = any free port, the same for every meter address)
 * @param singleAddress        all meters on 127.0.0.1 with consecutive ports from {@code port} (small fleets)
 * @param transport            wrapper or HDLC
 * @param latency              added before every reply
 * @param jitter               up to this much more, uniformly
 * @param faults               fractions of misbehaving connections
 * @param wrongKeyMeters       this many meters (the last ones) use other keys than they export
 * @param manualReconnectShare fraction of meters whose remote reconnect only reaches ready_for_reconnection
 * @param clock                the meters' time
 * @param zone                 the meters' local time zone (midnight captures)
 * @param pushTarget           where meters push alarms, or null
 * @param workerThreads        Netty event-loop threads (0 = one per core)
 * @param bindHost             single-address mode: the address the meters listen on (127.0.0.1)
 * @param advertiseHost        the host written into the exported registry (null: the bound address)
 * @param allowRemote          accept head-ends that are not on this machine (containers); off by default
 * @param variants             how every meter departs from the default behaviour (quirks of real meters)
 */
public record SimulatorConfig(int meters, long seed, int port, boolean singleAddress, SimTransport transport,
                              Duration latency, Duration jitter, FaultRates faults, int wrongKeyMeters,
                              double manualReconnectShare, Clock clock, ZoneId zone, InetSocketAddress pushTarget,
                              int workerThreads, String bindHost, String advertiseHost, boolean allowRemote,
                              MeterVariants variants) {
    public SimulatorConfig {
        if (meters < 1 || meters > 2_000_000) throw new IllegalArgumentException("meters must be between 1 and 2000000 (was " + meters + ")");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0..65535 (was " + port + ")");
        if (singleAddress && port != 0 && port + meters - 1 > 65535)
            throw new IllegalArgumentException("singleAddress needs ports " + port + ".." + (port + meters - 1) + ", beyond 65535");
        if (singleAddress && meters > 2000)
            throw new IllegalArgumentException("singleAddress binds one socket per meter: at most 2000 meters (was " + meters + ")");
        Objects.requireNonNull(transport, "transport");
        if (latency.isNegative()) throw new IllegalArgumentException("latency must not be negative (was " + latency + ")");
        if (jitter.isNegative()) throw new IllegalArgumentException("jitter must not be negative (was " + jitter + ")");
        Objects.requireNonNull(faults, "faults");
        if (wrongKeyMeters < 0 || wrongKeyMeters > meters)
            throw new IllegalArgumentException("wrongKeyMeters must be between 0 and meters (was " + wrongKeyMeters + ")");
        if (!(manualReconnectShare >= 0 && manualReconnectShare <= 1))
            throw new IllegalArgumentException("manualReconnectShare must be between 0 and 1 (was " + manualReconnectShare + ")");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(zone, "zone");
        if (workerThreads < 0) throw new IllegalArgumentException("workerThreads must be >= 0 (was " + workerThreads + ")");
        if (bindHost == null || bindHost.isBlank()) bindHost = "127.0.0.1";
        if (!singleAddress && (allowRemote || advertiseHost != null))
            throw new IllegalArgumentException("remote head-ends need --single-address: meters are told apart by port, not by loopback address");
        Objects.requireNonNull(variants, "variants");
        if (variants.has(MeterVariant.Quirk.HDLC_SMALL_WINDOW) && transport != SimTransport.HDLC)
            throw new IllegalArgumentException("variant hdlc-small-window needs the hdlc transport (was " + transport.name().toLowerCase(java.util.Locale.ROOT) + ")");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** True when meter {@code i} answers with other keys than it exports. */
    public boolean hasWrongKeys(int i) {
        return i >= meters - wrongKeyMeters;
    }

    public static final class Builder {
        private int meters = 10;
        private long seed = 1;
        private int port = 4059;
        private boolean singleAddress;
        private SimTransport transport = SimTransport.WRAPPER;
        private Duration latency = Duration.ZERO;
        private Duration jitter = Duration.ZERO;
        private FaultRates faults = FaultRates.NONE;
        private int wrongKeyMeters;
        private double manualReconnectShare = 0.1;
        private Clock clock = Clock.systemUTC();
        private ZoneId zone = ZoneId.of("Europe/Brussels");
        private InetSocketAddress pushTarget;
        private int workerThreads;
        private String bindHost = "127.0.0.1";
        private String advertiseHost;
        private boolean allowRemote;
        private MeterVariants variants = MeterVariants.NONE;

        public Builder meters(int v) { meters = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder port(int v) { port = v; return this; }
        public Builder singleAddress(boolean v) { singleAddress = v; return this; }
        public Builder transport(SimTransport v) { transport = v; return this; }
        public Builder latency(Duration fixed, Duration jitterUpTo) { latency = fixed; jitter = jitterUpTo; return this; }
        public Builder faults(FaultRates v) { faults = v; return this; }
        public Builder wrongKeyMeters(int v) { wrongKeyMeters = v; return this; }
        public Builder manualReconnectShare(double v) { manualReconnectShare = v; return this; }
        public Builder clock(Clock v) { clock = v; return this; }
        public Builder zone(ZoneId v) { zone = v; return this; }
        public Builder pushTarget(InetSocketAddress v) { pushTarget = v; return this; }
        public Builder workerThreads(int v) { workerThreads = v; return this; }
        public Builder bindHost(String v) { bindHost = v; return this; }
        public Builder advertiseHost(String v) { advertiseHost = v; return this; }
        public Builder allowRemote(boolean v) { allowRemote = v; return this; }
        public Builder variants(MeterVariants v) { variants = v; return this; }
        public Builder variants(MeterVariant... v) { variants = MeterVariants.of(v); return this; }
        /** Switch names, comma-separated, as {@code --variant} takes them. */
        public Builder variants(String spec) { variants = MeterVariants.parse(spec); return this; }

        public SimulatorConfig build() {
            return new SimulatorConfig(meters, seed, port, singleAddress, transport, latency, jitter, faults,
                    wrongKeyMeters, manualReconnectShare, clock, zone, pushTarget, workerThreads, bindHost, advertiseHost, allowRemote,
                    variants);
        }
    }
}
