package org.openhes.headend.protocol.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
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
import org.openhes.headend.protocol.session.MeterSession;
import org.openhes.headend.protocol.session.SessionEvents;
import org.openhes.headend.protocol.session.Timeouts;
import org.openhes.headend.protocol.transport.MeterConnector;
import org.openhes.headend.protocol.transport.NettyIo;
import org.openhes.headend.simulator.SimulatedFleet;
import org.openhes.headend.simulator.SimulatorConfig;

/** The trace a traced session returns in production (connector, TCP, simulated meter) decodes as it should. */
class TraceOverTcpTest {
    @Test
    void decodes_the_trace_of_a_traced_session_over_tcp() throws Exception {
        Clock clock = Clock.fixed(SimulatedSession.NOW, SimulatedSession.BRUSSELS);
        try (SimulatedFleet fleet = SimulatedFleet.start(SimulatorConfig.builder().meters(1).port(0).clock(clock).workerThreads(1).build());
             MeterConnector connector = new MeterConnector(NettyIo.choose("nio"), 1, MeterConnector.DEFAULT_MAX_FRAME, clock);
             SessionPool pool = new SessionPool(new PoolSettings(4, 4, 0, 10))) {
            var id = fleet.identity(0);
            Duration t = Duration.ofSeconds(5);
            MeterClient client = new MeterClient(connector, pool, new InMemoryInvocationCounterStore(1), new MeterMetadataCache(),
                    new Timeouts(t, t, Duration.ofSeconds(20)), clock, SessionEvents.NONE);
            MeterTarget target = new MeterTarget(id.ean(), MeterEndpoint.wrapper(id.host(), id.port(), 1, 1),
                    MeterSecurity.hlsGmac(SimulatedSession.CLIENT_TITLE, id.encryptionKey(), id.authenticationKey()), MeterProfile.emucs());
            var outcome = client.withSession(target, "read", new MeterClient.Options(true, false), s -> s.reads().indexes())
                    .get(30, TimeUnit.SECONDS);

            List<DecodedFrame> frames = TraceDecoder.forSession(Transport.WRAPPER, target.security()).decode(outcome.trace());
            assertThat(frames).extracting(DecodedFrame::pdu).containsExactly("AARQ", "AARE", "action-request-normal",
                    "action-response-normal", "get-request-with-list", "get-response-with-list", "RLRQ", "RLRE");
            assertThat(frames.subList(0, 6)).extracting(DecodedFrame::problem).containsOnlyNulls();
            long[] expected = fleet.indexesAt(0, SimulatedSession.NOW);
            assertThat(frames.get(5).results().subList(0, 4)).extracting(r -> r.data().value())
                    .containsExactly(expected[0], expected[1], expected[2], expected[3]);
        }
    }
}
