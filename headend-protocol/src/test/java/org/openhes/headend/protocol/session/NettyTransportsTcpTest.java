package org.openhes.headend.protocol.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.LocalDate;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openhes.headend.protocol.MeterEndpoint;
import org.openhes.headend.protocol.MeterException;
import org.openhes.headend.protocol.MeterFailureKind;
import org.openhes.headend.protocol.model.MeterProfile;
import org.openhes.headend.protocol.model.MeterSecurity;
import org.openhes.headend.protocol.model.MeterTarget;
import org.openhes.headend.protocol.transport.NettyIo;
import org.openhes.headend.simulator.FaultRates;
import org.openhes.headend.simulator.SimulatedFleet;
import org.openhes.headend.simulator.SimulatorConfig;

/**
 * The daily read and the link failures on every Netty transport that loads here, both ends on it:
 * each transport reports a refused connect, a reset and a silent peer through its own exceptions,
 * and they must all end as the same failure kinds.
 */
class NettyTransportsTcpTest {

    private static NettyIo transport(String name) {
        // io_uring may be refused by the kernel or a seccomp profile: skipped, and auto never picks it
        if (name.equals("io_uring")) Assumptions.assumeTrue(IoUring.isAvailable(), () -> "io_uring: " + IoUring.unavailabilityCause());
        return NettyIo.choose(name);
    }

    private static SimulatorFixture fleet(NettyIo io, FaultRates faults) throws Exception {
        SimulatedFleet fleet = SimulatedFleet.start(SimulatorConfig.builder().meters(2).port(0).faults(faults)
                .clock(Clock.fixed(SimulatorFixture.NOW, SimulatorFixture.BRUSSELS)).build(), io.handlers(), io.serverChannel());
        return new SimulatorFixture(fleet, SimulatorFixture.fast(), 1, io);
    }

    @Test
    void autoTakesEpollOnLinux() {
        // the build ships epoll's native library for linux-x86_64, the platform the head-end is deployed on
        Assumptions.assumeTrue(System.getProperty("os.name").equals("Linux") && System.getProperty("os.arch").equals("amd64"));
        assertThat(Epoll.isAvailable()).as("epoll: %s", Epoll.unavailabilityCause()).isTrue();
        assertThat(NettyIo.choose("auto").name()).isEqualTo("epoll");
    }

    @Test
    void anUnknownTransportIsRefusedWithTheChoices() {
        assertThatThrownBy(() -> NettyIo.choose("kqueue")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'kqueue'").hasMessageContaining(NettyIo.MODES.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"nio", "epoll", "io_uring"})
    void readsTheDailyProfile(String name) throws Exception {
        try (SimulatorFixture f = fleet(transport(name), FaultRates.NONE)) {
            LocalDate day = LocalDate.of(2026, 11, 19);
            var outcome = MeterSessionTcpTest.await(f.client.withSession(f.hls(0), "daily", new MeterClient.Options(true, false),
                    s -> s.reads().daily(day, day, SimulatorFixture.BRUSSELS)));
            var midnight = day.atStartOfDay(SimulatorFixture.BRUSSELS).toInstant();
            long[] expected = f.fleet.indexesAt(0, midnight);
            assertThat(outcome.value().rows()).hasSize(1);
            for (int r = 0; r < 4; r++) {
                assertThat(outcome.value().rows().get(0).registers().get(r).value()).isEqualByComparingTo(BigDecimal.valueOf(expected[r]));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"nio", "epoll", "io_uring"})
    void linkFailuresKeepTheirKinds(String name) throws Exception {
        NettyIo io = transport(name);
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (SimulatorFixture f = fleet(io, FaultRates.NONE)) {
            MeterTarget nobody = new MeterTarget("541448800000000017", MeterEndpoint.wrapper("127.0.0.1", closedPort, 16, 1),
                    MeterSecurity.none(), MeterProfile.emucs());
            assertThatThrownBy(() -> MeterSessionTcpTest.await(f.client.withSession(nobody, "read", s -> s.reads().indexes())))
                    .isInstanceOfSatisfying(MeterException.class, e -> {
                        assertThat(e.kind()).isEqualTo(MeterFailureKind.UNREACHABLE);
                        assertThat(e.getMessage()).contains("refused");
                    });
        }
        try (SimulatorFixture f = fleet(io, new FaultRates(0, 1, 0, 0, 0))) {
            assertThat(MeterFailuresTcpTest.failureOf(f, f.hls(0))).isEqualTo(MeterFailureKind.CONNECTION_LOST);
        }
        try (SimulatorFixture f = fleet(io, new FaultRates(0, 0, 1, 0, 0))) {
            assertThat(MeterFailuresTcpTest.failureOf(f, f.hls(0))).isEqualTo(MeterFailureKind.RESPONSE_TIMEOUT);
        }
    }
}
