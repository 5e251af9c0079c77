package org.openhes.headend.protocol.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openhes.headend.protocol.MeterEndpoint;
import org.openhes.headend.protocol.MeterFailureKind;
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
import org.openhes.headend.simulator.SimulatorConfig;

/** The pool's wait is reported per session, apart from the session's own time (operations and the bench see both). */
class SlotWaitTcpTest {
    private record Waited(String operation, Duration waited) {
    }

    @Test
    void aSessionBehindAFullPoolReportsItsWaitForTheSlot() throws Exception {
        List<Waited> waits = new CopyOnWriteArrayList<>();
        List<Duration> sessions = new CopyOnWriteArrayList<>();
        SessionEvents events = new SessionEvents() {
            @Override
            public void slotGranted(String operation, Duration waited) {
                waits.add(new Waited(operation, waited));
            }

            @Override
            public void sessionEnded(String operation, MeterFailureKind failure, Duration duration) {
                sessions.add(duration);
            }
        };
        Duration latency = Duration.ofMillis(150);
        try (SimulatedFleet fleet = SimulatedFleet.start(SimulatorConfig.builder().meters(2).port(0)
                .latency(latency, Duration.ZERO).build());
             MeterConnector connector = new MeterConnector(NettyIo.choose("auto"), 1, MeterConnector.DEFAULT_MAX_FRAME, Clock.systemUTC());
             SessionPool pool = new SessionPool(new PoolSettings(1, 1, 0, 10))) {
            MeterClient client = new MeterClient(connector, pool, new InMemoryInvocationCounterStore(1), new MeterMetadataCache(),
                    new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(20)), Clock.systemUTC(), events);
            // one slot: the second session waits for the whole of the first
            CompletableFuture<?> first = client.withSession(target(fleet, 0), "on-demand-read", s -> s.reads().indexes());
            CompletableFuture<?> second = client.withSession(target(fleet, 1), "on-demand-read", s -> s.reads().indexes());
            CompletableFuture.allOf(first, second).get(30, TimeUnit.SECONDS);
        }
        assertThat(waits).hasSize(2).allSatisfy(w -> assertThat(w.operation()).isEqualTo("on-demand-read"));
        assertThat(sessions).hasSize(2);
        Duration shortest = waits.stream().map(Waited::waited).min(Duration::compareTo).orElseThrow();
        Duration longest = waits.stream().map(Waited::waited).max(Duration::compareTo).orElseThrow();
        // a session is several exchanges of 150 ms each; the first one got its slot at once, the second
        // waited while the first one's exchanges ran
        assertThat(sessions).allSatisfy(d -> assertThat(d).isGreaterThan(latency.multipliedBy(3)));
        assertThat(shortest).isLessThan(latency);
        assertThat(longest).isGreaterThan(latency.multipliedBy(2));
    }

    private static MeterTarget target(SimulatedFleet fleet, int i) {
        MeterIdentity id = fleet.identity(i);
        return new MeterTarget(id.ean(), new MeterEndpoint(id.host(), id.port(), Transport.WRAPPER, 1, 1, 17),
                MeterSecurity.hlsGmac(SimulatorFixture.CLIENT_TITLE, id.encryptionKey(), id.authenticationKey()), MeterProfile.emucs());
    }
}
