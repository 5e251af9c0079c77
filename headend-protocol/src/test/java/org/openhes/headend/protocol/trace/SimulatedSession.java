package org.openhes.headend.protocol.trace;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.openhes.headend.protocol.MeterEndpoint;
import org.openhes.headend.protocol.Transport;
import org.openhes.headend.protocol.model.MeterProfile;
import org.openhes.headend.protocol.model.MeterSecurity;
import org.openhes.headend.protocol.model.MeterTarget;
import org.openhes.headend.protocol.session.SessionOnEmbeddedChannel;
import org.openhes.headend.protocol.transport.EmbeddedLinks;
import org.openhes.headend.protocol.transport.WireTrace;
import org.openhes.headend.simulator.MeterIdentity;
import org.openhes.headend.simulator.SimTransport;
import org.openhes.headend.simulator.SimulatedFleet;
import org.openhes.headend.simulator.SimulatorConfig;

/**
 * A real HLS5-GMAC session between the head-end's session code and a simulated (Gurux server) meter,
 * without sockets: every frame the session writes goes to the in-memory meter and its answer comes back
 * through the real frame decoder, with the wire trace recording as in production. The frames as they
 * really were (before the recorder masked anything) are kept, so that tests can find the secrets in them.
 */
final class SimulatedSession implements AutoCloseable {
    static final Instant NOW = Instant.parse("2026-11-20T10:15:30Z");
    static final ZoneId BRUSSELS = ZoneId.of("Europe/Brussels");
    static final byte[] CLIENT_TITLE = HexFormat.of().parseHex("4F48450000000001");

    /** One frame as it crossed the link. */
    record Raw(String direction, byte[] bytes) {
    }

    final SimulatedFleet fleet;
    final MeterIdentity identity;
    final MeterTarget target;
    final SessionOnEmbeddedChannel session;
    final List<Raw> raw = new ArrayList<>();
    private final SimulatedFleet.InMemoryMeter meter;
    private final EmbeddedLinks.Embedded link;

    SimulatedSession(SimTransport transport) throws InterruptedException {
        Clock clock = Clock.fixed(NOW, BRUSSELS);
        fleet = SimulatedFleet.start(SimulatorConfig.builder().meters(1).port(0).transport(transport).clock(clock)
                .manualReconnectShare(0).build());
        identity = fleet.identity(0);
        meter = fleet.openInMemory(0);
        boolean hdlc = transport == SimTransport.HDLC;
        target = new MeterTarget(identity.ean(), new MeterEndpoint("127.0.0.1", 4059, hdlc ? Transport.HDLC : Transport.WRAPPER, 1, 1, 17),
                MeterSecurity.hlsGmac(CLIENT_TITLE, identity.encryptionKey(), identity.authenticationKey()), MeterProfile.emucs());
        link = hdlc ? EmbeddedLinks.hdlc("sim", clock) : EmbeddedLinks.wrapper("sim", clock);
        session = new SessionOnEmbeddedChannel(target, link, clock);
    }

    /** Runs one operation of the session to its end, playing the meter's side. */
    <T> T run(Supplier<CompletableFuture<T>> operation) {
        CompletableFuture<T> f = operation.get();
        for (int i = 0; i < 500 && !f.isDone(); i++) {
            ByteBuf out = link.channel().readOutbound();
            if (out == null) break;
            byte[] request = ByteBufUtil.getBytes(out);
            out.release();
            raw.add(new Raw("TX", request));
            byte[] answer = meter.handle(request);
            if (answer.length == 0) continue;
            raw.add(new Raw("RX", answer));
            link.channel().writeInbound(Unpooled.wrappedBuffer(answer));
        }
        if (!f.isDone()) throw new AssertionError("the operation did not end: " + trace().size() + " frames recorded");
        return f.join();
    }

    List<WireTrace.Entry> trace() {
        return link.link().trace().entries();
    }

    TraceDecoder decoder() {
        return TraceDecoder.forSession(target.endpoint().transport(), target.security());
    }

    @Override
    public void close() {
        link.channel().finishAndReleaseAll();
        fleet.close();
    }
}
