package org.openhes.headend.protocol.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HexFormat;
import org.openhes.headend.protocol.MeterEndpoint;
import org.openhes.headend.protocol.Transport;
import org.openhes.headend.protocol.model.MeterProfile;
import org.openhes.headend.protocol.model.MeterSecurity;
import org.openhes.headend.protocol.model.MeterTarget;
import org.openhes.headend.protocol.pool.PoolSettings;
import org.openhes.headend.protocol.pool.SessionPool;
import org.openhes.headend.protocol.transport.MeterConnector;
import org.openhes.headend.protocol.transport.NettyIo;
import org.openhes.headend.simulator.MeterIdentity;
import org.openhes.headend.simulator.SimulatedFleet;

/** A head-end client wired against a running simulated fleet, for tests. */
final class SimulatorFixture implements AutoCloseable {
    static final Instant NOW = Instant.parse("2026-11-20T10:15:30Z");
    static final ZoneId BRUSSELS = ZoneId.of("Europe/Brussels");
    static final byte[] CLIENT_TITLE = HexFormat.of().parseHex("4F48450000000001");

    final SimulatedFleet fleet;
    final MeterConnector connector;
    final SessionPool pool;
    final InMemoryInvocationCounterStore counters;
    final MeterClient client;
    final Clock clock = Clock.fixed(NOW, BRUSSELS);

    SimulatorFixture(SimulatedFleet fleet, Timeouts timeouts, long firstCounter) {
        this(fleet, timeouts, firstCounter, NettyIo.choose("auto"));
    }

    SimulatorFixture(SimulatedFleet fleet, Timeouts timeouts, long firstCounter, NettyIo io) {
        this.fleet = fleet;
        this.connector = new MeterConnector(io, 2, MeterConnector.DEFAULT_MAX_FRAME, clock);
        this.pool = new SessionPool(new PoolSettings(64, 4, 0, 10_000));
        this.counters = new InMemoryInvocationCounterStore(firstCounter);
        this.client = new MeterClient(connector, pool, counters, new MeterMetadataCache(), timeouts, clock, SessionEvents.NONE);
    }

    static Timeouts fast() {
        return new Timeouts(Duration.ofSeconds(2), Duration.ofMillis(1500), Duration.ofSeconds(20));
    }

    MeterTarget hls(int i) {
        MeterIdentity id = fleet.identity(i);
        return new MeterTarget(id.ean(), endpoint(id, 1),
                MeterSecurity.hlsGmac(CLIENT_TITLE, id.encryptionKey(), id.authenticationKey()), MeterProfile.emucs());
    }

    MeterTarget low(int i) {
        MeterIdentity id = fleet.identity(i);
        return new MeterTarget(id.ean(), endpoint(id, 32), MeterSecurity.low(id.password()), MeterProfile.emucs());
    }

    MeterTarget open(int i) {
        MeterIdentity id = fleet.identity(i);
        return new MeterTarget(id.ean(), endpoint(id, 16), MeterSecurity.none(), MeterProfile.emucs());
    }

    private MeterEndpoint endpoint(MeterIdentity id, int clientSap) {
        Transport t = fleet.config().transport() == org.openhes.headend.simulator.SimTransport.HDLC ? Transport.HDLC : Transport.WRAPPER;
        return new MeterEndpoint(id.host(), id.port(), t, clientSap, 1, 17);
    }

    @Override
    public void close() {
        pool.close();
        connector.close();
        fleet.close();
    }
}
