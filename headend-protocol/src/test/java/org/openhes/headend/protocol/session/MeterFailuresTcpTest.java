package org.openhes.headend.protocol.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.openhes.headend.protocol.MeterEndpoint;
import org.openhes.headend.protocol.MeterException;
import org.openhes.headend.protocol.MeterFailureKind;
import org.openhes.headend.protocol.model.MeterProfile;
import org.openhes.headend.protocol.model.MeterSecurity;
import org.openhes.headend.protocol.model.MeterTarget;
import org.openhes.headend.simulator.FaultRates;
import org.openhes.headend.simulator.SimulatedFleet;
import org.openhes.headend.simulator.SimulatorConfig;

/** Each failure a meter or its link can cause ends as its own kind, over real TCP. */
class MeterFailuresTcpTest {
    static SimulatorFixture fleetWith(FaultRates faults) throws Exception {
        return new SimulatorFixture(SimulatedFleet.start(SimulatorConfig.builder().meters(2).port(0).faults(faults)
                .clock(Clock.fixed(SimulatorFixture.NOW, SimulatorFixture.BRUSSELS)).build()), SimulatorFixture.fast(), 1);
    }

    static MeterFailureKind failureOf(SimulatorFixture f, MeterTarget target) {
        try {
            MeterSessionTcpTest.await(f.client.withSession(target, "read", s -> s.reads().indexes()));
        } catch (MeterException e) {
            return e.kind();
        } catch (Exception e) {
            throw new AssertionError("not a MeterException: " + e, e);
        }
        throw new AssertionError("the read succeeded");
    }

    @Test
    void nobodyListeningIsUnreachable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (SimulatorFixture f = fleetWith(FaultRates.NONE)) {
            MeterTarget t = new MeterTarget("541448800000000017", MeterEndpoint.wrapper("127.0.0.1", port, 16, 1),
                    MeterSecurity.none(), MeterProfile.emucs());
            assertThatThrownBy(() -> MeterSessionTcpTest.await(f.client.withSession(t, "read", s -> s.reads().indexes())))
                    .isInstanceOfSatisfying(MeterException.class, e -> {
                        assertThat(e.kind()).isEqualTo(MeterFailureKind.UNREACHABLE);
                        assertThat(e.getMessage()).contains("connect").contains("refused");
                    });
        }
    }

    @Test
    void aRefusedConnectionIsConnectionLost() throws Exception {
        try (SimulatorFixture f = fleetWith(new FaultRates(1, 0, 0, 0, 0))) {
            assertThat(failureOf(f, f.hls(0))).isEqualTo(MeterFailureKind.CONNECTION_LOST);
        }
    }

    @Test
    void aMeterThatStopsAnsweringIsAResponseTimeout() throws Exception {
        try (SimulatorFixture f = fleetWith(new FaultRates(0, 0, 1, 0, 0))) {
            assertThat(failureOf(f, f.hls(0))).isEqualTo(MeterFailureKind.RESPONSE_TIMEOUT);
        }
    }

    @Test
    void aDroppedLinkIsConnectionLost() throws Exception {
        try (SimulatorFixture f = fleetWith(new FaultRates(0, 1, 0, 0, 0))) {
            assertThat(failureOf(f, f.hls(0))).isEqualTo(MeterFailureKind.CONNECTION_LOST);
        }
    }

    @Test
    void aCorruptedFrameIsMalformedOrFailsAuthentication() throws Exception {
        try (SimulatorFixture f = fleetWith(new FaultRates(0, 0, 0, 1, 0))) {
            // a flipped byte breaks the frame, or (inside a ciphered APDU) its authentication tag
            assertThat(failureOf(f, f.hls(0))).isIn(MeterFailureKind.MALFORMED_RESPONSE, MeterFailureKind.AUTHENTICATION_FAILED,
                    MeterFailureKind.RESPONSE_TIMEOUT);
            assertThat(failureOf(f, f.low(1))).isIn(MeterFailureKind.MALFORMED_RESPONSE, MeterFailureKind.RESPONSE_TIMEOUT);
        }
    }

    @Test
    void aRefusedAssociationIsAssociationRejected() throws Exception {
        try (SimulatorFixture f = fleetWith(new FaultRates(0, 0, 0, 0, 1))) {
            assertThat(failureOf(f, f.low(0))).isEqualTo(MeterFailureKind.ASSOCIATION_REJECTED);
        }
    }

    @Test
    void aWrongPasswordIsAnAuthenticationFailure() throws Exception {
        try (SimulatorFixture f = fleetWith(FaultRates.NONE)) {
            MeterTarget good = f.low(0);
            MeterTarget bad = new MeterTarget(good.meterId(), good.endpoint(), MeterSecurity.low("wrong"), good.profile());
            assertThat(failureOf(f, bad)).isEqualTo(MeterFailureKind.AUTHENTICATION_FAILED);
        }
    }

    @Test
    void aPublicClientReadingAProtectedObjectIsAccessDenied() throws Exception {
        try (SimulatorFixture f = fleetWith(FaultRates.NONE)) {
            assertThatThrownBy(() -> MeterSessionTcpTest.await(f.client.withSession(f.open(0), "get", s -> s.access().get(3, "1-0:1.8.1.255", 2))))
                    .isInstanceOfSatisfying(MeterException.class, e -> {
                        assertThat(e.kind()).isEqualTo(MeterFailureKind.ACCESS_DENIED);
                        assertThat(e.getMessage()).contains("GET 1-0:1.8.1.255/2");
                    });
        }
    }
}
