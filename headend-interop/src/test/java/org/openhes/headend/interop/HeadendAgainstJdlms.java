package org.openhes.headend.interop;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.openhes.headend.interop.meter.ClientSaps;
import org.openhes.headend.interop.meter.JdlmsMeter;
import org.openhes.headend.interop.meter.MeterSettings;
import org.openhes.headend.protocol.MeterEndpoint;
import org.openhes.headend.protocol.Transport;
import org.openhes.headend.protocol.model.MeterProfile;
import org.openhes.headend.protocol.model.MeterSecurity;
import org.openhes.headend.protocol.model.MeterTarget;
import org.openhes.headend.protocol.pool.PoolSettings;
import org.openhes.headend.protocol.pool.SessionPool;
import org.openhes.headend.protocol.session.InMemoryInvocationCounterStore;
import org.openhes.headend.protocol.session.MeterClient;
import org.openhes.headend.protocol.session.MeterMetadataCache;
import org.openhes.headend.protocol.session.SessionEvents;
import org.openhes.headend.protocol.session.Timeouts;
import org.openhes.headend.protocol.transport.MeterConnector;
import org.openhes.headend.protocol.transport.NettyIo;

/**
 * The head-end's protocol layer wired against the independent jDLMS meter, both at the same true time
 * (the meter's clock is fixed, so every value it gives is known to the test).
 */
final class HeadendAgainstJdlms implements AutoCloseable {
    /** Wednesday 3 December 2025, 09:41:07 in Brussels (CET, day tariff). */
    static final Instant NOW = Instant.parse("2025-12-03T08:41:07Z");
    static final byte[] CLIENT_TITLE = HexFormat.of().parseHex("4F48450000000001");
    static final String METER_ID = "541448800000000017";

    final JdlmsMeter meter;
    final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    final MeterConnector connector;
    final SessionPool pool;
    final InMemoryInvocationCounterStore counters = new InMemoryInvocationCounterStore(1);
    final MeterClient client;

    HeadendAgainstJdlms(MeterSettings.Framing framing) throws IOException {
        this.meter = JdlmsMeter.start(MeterSettings.forTests(clock).withFraming(framing));
        this.connector = new MeterConnector(NettyIo.choose("auto"), 1, MeterConnector.DEFAULT_MAX_FRAME, clock);
        this.pool = new SessionPool(new PoolSettings(8, 4, 0, 100));
        this.client = new MeterClient(connector, pool, counters, new MeterMetadataCache(),
                new Timeouts(Duration.ofSeconds(3), Duration.ofSeconds(3), Duration.ofSeconds(30)), clock, SessionEvents.NONE);
    }

    HeadendAgainstJdlms() throws IOException {
        this(MeterSettings.Framing.WRAPPER);
    }

    MeterEndpoint endpoint(int clientSap) {
        Transport t = meter.settings().framing() == MeterSettings.Framing.HDLC ? Transport.HDLC : Transport.WRAPPER;
        return new MeterEndpoint("127.0.0.1", meter.port(), t, clientSap, JdlmsMeter.LOGICAL_DEVICE, 17);
    }

    /** The management client with the meter's own keys. */
    MeterTarget hls() {
        return hls(meter.settings().encryptionKey(), meter.settings().authenticationKey(), MeterProfile.emucs());
    }

    MeterTarget hls(MeterProfile profile) {
        return hls(meter.settings().encryptionKey(), meter.settings().authenticationKey(), profile);
    }

    MeterTarget hls(byte[] ek, byte[] ak, MeterProfile profile) {
        return new MeterTarget(METER_ID, endpoint(ClientSaps.MANAGEMENT), MeterSecurity.hlsGmac(CLIENT_TITLE, ek, ak), profile);
    }

    MeterTarget reader(String password) {
        return new MeterTarget(METER_ID, endpoint(ClientSaps.READER), MeterSecurity.low(password), MeterProfile.emucs());
    }

    String readerPassword() {
        return new String(meter.settings().readerPassword(), java.nio.charset.StandardCharsets.US_ASCII);
    }

    static <T> T await(CompletableFuture<T> f) throws Exception {
        try {
            return f.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
    }

    @Override
    public void close() throws IOException {
        pool.close();
        connector.close();
        meter.close();
    }
}
