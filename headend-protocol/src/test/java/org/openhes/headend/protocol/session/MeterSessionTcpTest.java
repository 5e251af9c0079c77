package org.openhes.headend.protocol.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openhes.headend.protocol.MeterException;
import org.openhes.headend.protocol.MeterFailureKind;
import org.openhes.headend.protocol.model.CommandOutcome;
import org.openhes.headend.protocol.model.CommandResult;
import org.openhes.headend.protocol.model.IndexReading;
import org.openhes.headend.protocol.model.Register;
import org.openhes.headend.protocol.transport.WireTrace;
import org.openhes.headend.simulator.MeterState;
import org.openhes.headend.simulator.SimTransport;
import org.openhes.headend.simulator.SimulatedFleet;
import org.openhes.headend.simulator.SimulatorConfig;

/** Every operation over real TCP against the simulator, on both transports. */
class MeterSessionTcpTest {
    private static final java.util.Map<SimTransport, SimulatorFixture> FIXTURES = new java.util.EnumMap<>(SimTransport.class);

    static SimulatorFixture fixture(SimTransport transport) throws Exception {
        synchronized (FIXTURES) {
            SimulatorFixture f = FIXTURES.get(transport);
            if (f == null) {
                SimulatedFleet fleet = SimulatedFleet.start(SimulatorConfig.builder().meters(20).port(0).transport(transport)
                        .clock(java.time.Clock.fixed(SimulatorFixture.NOW, SimulatorFixture.BRUSSELS))
                        .manualReconnectShare(0.5).wrongKeyMeters(1).build());
                f = new SimulatorFixture(fleet, SimulatorFixture.fast(), 1);
                FIXTURES.put(transport, f);
            }
            return f;
        }
    }

    @AfterAll
    static void stop() {
        FIXTURES.values().forEach(SimulatorFixture::close);
        FIXTURES.clear();
    }

    static <T> T await(java.util.concurrent.CompletableFuture<T> f) throws Exception {
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw (Exception) (e.getCause() instanceof Exception ex ? ex : e);
        }
    }

    @ParameterizedTest
    @EnumSource(SimTransport.class)
    void readsTheFourIndexesWithHls(SimTransport transport) throws Exception {
        SimulatorFixture f = fixture(transport);
        IndexReading r = await(f.client.withSession(f.hls(0), "read", s -> s.reads().indexes()));
        long[] expected = f.fleet.indexesAt(0, SimulatorFixture.NOW);
        assertThat(r.registers()).extracting(Register::obis)
                .containsExactly("1-0:1.8.1.255", "1-0:1.8.2.255", "1-0:2.8.1.255", "1-0:2.8.2.255");
        for (int k = 0; k < 4; k++) {
            assertThat(r.registers().get(k).value()).isEqualByComparingTo(BigDecimal.valueOf(expected[k]));
            assertThat(r.registers().get(k).unit()).isEqualTo("Wh");
        }
        assertThat(expected[0]).isPositive();
    }

    @ParameterizedTest
    @EnumSource(SimTransport.class)
    void readsWithLowAndNoAuthentication(SimTransport transport) throws Exception {
        SimulatorFixture f = fixture(transport);
        IndexReading r = await(f.client.withSession(f.low(1), "read", s -> s.reads().indexes()));
        assertThat(r.registers().get(1).value()).isEqualByComparingTo(BigDecimal.valueOf(f.fleet.indexesAt(1, SimulatorFixture.NOW)[1]));
        long ic = await(f.client.withSession(f.open(1), "counter", s -> s.reads().invocationCounter()));
        assertThat(ic).isGreaterThanOrEqualTo(0);
    }

    @ParameterizedTest
    @EnumSource(SimTransport.class)
    void readsTheDailyProfileByDateRange(SimTransport transport) throws Exception {
        SimulatorFixture f = fixture(transport);
        LocalDate to = LocalDate.of(2026, 11, 20), from = to.minusDays(9);
        List<IndexReading> rows = await(f.client.withSession(f.hls(2), "daily",
                s -> s.reads().dailyIndexes(from, to, SimulatorFixture.BRUSSELS)));
        assertThat(rows).hasSize(10);
        for (int d = 0; d < 10; d++) {
            ZonedDateTime midnight = from.plusDays(d).atStartOfDay(SimulatorFixture.BRUSSELS);
            IndexReading row = rows.get(d);
            assertThat(row.capturedAt()).isEqualTo(midnight.toInstant());
            long[] expected = f.fleet.indexesAt(2, midnight.toInstant());
            for (int k = 0; k < 4; k++) {
                assertThat(row.registers().get(k).value()).isEqualByComparingTo(BigDecimal.valueOf(expected[k]));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(SimTransport.class)
    void readsTheDailyProfileGasAndClockInFewerRequests(SimTransport transport) throws Exception {
        SimulatorFixture f = fixture(transport);
        LocalDate to = LocalDate.of(2026, 11, 20), from = to.minusDays(2);
        int meter = transport == SimTransport.WRAPPER ? 14 : 15;
        // first session: nothing cached yet, the metadata comes with the gas index and the clock
        var first = await(f.client.withSession(f.hls(meter), "daily", new MeterClient.Options(true, false),
                s -> s.reads().daily(from, to, SimulatorFixture.BRUSSELS)));
        // second session: everything cached
        var second = await(f.client.withSession(f.hls(meter), "daily", new MeterClient.Options(true, false),
                s -> s.reads().daily(from, to, SimulatorFixture.BRUSSELS)));
        for (var outcome : List.of(first, second)) {
            MeterReads.DailyRead d = outcome.value();
            assertThat(d.rows()).hasSize(3);
            for (int k = 0; k < 3; k++) {
                var midnight = from.plusDays(k).atStartOfDay(SimulatorFixture.BRUSSELS).toInstant();
                assertThat(d.rows().get(k).capturedAt()).isEqualTo(midnight);
                long[] expected = f.fleet.indexesAt(meter, midnight);
                for (int r = 0; r < 4; r++) {
                    assertThat(d.rows().get(k).registers().get(r).value()).isEqualByComparingTo(BigDecimal.valueOf(expected[r]));
                    assertThat(d.rows().get(k).registers().get(r).unit()).isEqualTo("Wh");
                }
            }
            assertThat(d.gasAndClock()).isNotNull();
            assertThat(d.gasAndClock().gas().value())
                    .isEqualByComparingTo(BigDecimal.valueOf(f.fleet.gasLitresAt(meter, SimulatorFixture.NOW)).movePointLeft(3));
            assertThat(d.gasAndClock().meterClock()).isEqualTo(SimulatorFixture.NOW);
        }
        // the daily read's GETs: one GET-with-list, then the rows by range, whether cached or not (on HDLC
        // a reply longer than one frame adds receive-ready frames to the same step)
        for (var outcome : List.of(first, second)) {
            assertThat(outcome.trace().stream().filter(e -> e.direction().equals("TX") && e.step().startsWith("GET"))
                    .map(WireTrace.Entry::step).distinct()).hasSize(2);
        }
    }

    @ParameterizedTest
    @EnumSource(SimTransport.class)
    void disconnectsAndReconnects(SimTransport transport) throws Exception {
        SimulatorFixture f = fixture(transport);
        int automatic = 2; // with manualReconnectShare 0.5 even meters reconnect remotely, odd ones need the button
        CommandResult off = await(f.client.withSession(f.hls(automatic), "disconnect", s -> s.commands().disconnect()));
        assertThat(off.outcome()).isEqualTo(CommandOutcome.SUCCEEDED);
        assertThat(off.state()).containsEntry("outputState", false).containsEntry("controlState", "DISCONNECTED");
        assertThat(f.fleet.state(automatic).outputState()).isFalse();
        CommandResult on = await(f.client.withSession(f.hls(automatic), "reconnect", s -> s.commands().reconnect()));
        assertThat(on.outcome()).isEqualTo(CommandOutcome.SUCCEEDED);
        assertThat(f.fleet.state(automatic).outputState()).isTrue();

        int manual = 3;
        await(f.client.withSession(f.hls(manual), "disconnect", s -> s.commands().disconnect()));
        CommandResult half = await(f.client.withSession(f.hls(manual), "reconnect", s -> s.commands().reconnect()));
        assertThat(half.outcome()).isEqualTo(CommandOutcome.READY_FOR_RECONNECTION);
        assertThat(half.state()).containsEntry("outputState", false).containsEntry("controlState", "READY_FOR_RECONNECTION");
        assertThat(f.fleet.state(manual).controlState()).isEqualTo(MeterState.READY_FOR_RECONNECTION);
    }

    @ParameterizedTest
    @EnumSource(SimTransport.class)
    void closesTheGasValveAndArmsItForTheCustomerToOpen(SimTransport transport) throws Exception {
        SimulatorFixture f = fixture(transport);
        int meter = transport == SimTransport.WRAPPER ? 7 : 8;
        CommandResult closed = await(f.client.withSession(f.hls(meter), "gas-disconnect", s -> s.commands().closeGasValve()));
        assertThat(closed.outcome()).isEqualTo(CommandOutcome.SUCCEEDED);
        assertThat(closed.state()).containsEntry("outputState", false).containsEntry("controlState", "DISCONNECTED");
        assertThat(f.fleet.state(meter).gasValveState()).isEqualTo(MeterState.DISCONNECTED);
        assertThat(f.fleet.state(meter).outputState()).as("the electricity breaker is another object").isTrue();
        CommandResult armed = await(f.client.withSession(f.hls(meter), "gas-reconnect", s -> s.commands().armGasValve()));
        assertThat(armed.outcome()).isEqualTo(CommandOutcome.READY_FOR_RECONNECTION);
        assertThat(armed.state()).containsEntry("controlState", "READY_FOR_RECONNECTION");
        f.fleet.state(meter).openGasValveAtTheMeter();
        assertThat(await(f.client.withSession(f.hls(meter), "gas", s -> s.commands().gasValve())).controlState())
                .isEqualTo(org.openhes.headend.protocol.model.ControlState.CONNECTED);
    }

    @ParameterizedTest
    @EnumSource(SimTransport.class)
    void setsAndClearsThePowerLimit(SimTransport transport) throws Exception {
        SimulatorFixture f = fixture(transport);
        CommandResult set = await(f.client.withSession(f.hls(4), "limit", s -> s.commands().setPowerLimit(2300)));
        assertThat(set.outcome()).isEqualTo(CommandOutcome.SUCCEEDED);
        assertThat(set.state()).containsEntry("thresholdWatts", 2300L);
        assertThat(f.fleet.state(4).thresholdNormalWatts()).isEqualTo(2300);
        CommandResult cleared = await(f.client.withSession(f.hls(4), "unlimit", s -> s.commands().clearPowerLimit()));
        assertThat(cleared.state()).containsEntry("thresholdWatts", 0L);
        assertThat(f.fleet.state(4).thresholdNormalWatts()).isZero();
        assertThatThrownBy(() -> await(f.client.withSession(f.hls(4), "limit", s -> s.commands().setPowerLimit(5))))
                .isInstanceOfSatisfying(MeterException.class, e -> assertThat(e.kind()).isEqualTo(MeterFailureKind.INVALID_REQUEST))
                .hasMessageContaining("between 100 and 100000 W");
    }

    @ParameterizedTest
    @EnumSource(SimTransport.class)
    void displaysTheBalanceAndReadsClockAndGas(SimTransport transport) throws Exception {
        SimulatorFixture f = fixture(transport);
        CommandResult shown = await(f.client.withSession(f.hls(5), "display", s -> s.commands().displayBalance(new BigDecimal("12.34"), "EUR")));
        assertThat(shown.outcome()).isEqualTo(CommandOutcome.SUCCEEDED);
        assertThat(f.fleet.state(5).message()).isEqualTo("SOLDE 12.34 EUR");
        Instant meterClock = await(f.client.withSession(f.hls(5), "clock", s -> s.reads().clock()));
        assertThat(meterClock).isEqualTo(SimulatorFixture.NOW);
        Register gas = await(f.client.withSession(f.hls(5), "gas", s -> s.reads().gasIndex()));
        assertThat(gas.unit()).isEqualTo("m3");
        assertThat(gas.value()).isEqualByComparingTo(BigDecimal.valueOf(f.fleet.gasLitresAt(5, SimulatorFixture.NOW), 3));
    }

    @ParameterizedTest
    @EnumSource(SimTransport.class)
    void wrongKeysAreAnAuthenticationFailure(SimTransport transport) throws Exception {
        SimulatorFixture f = fixture(transport);
        int wrong = f.fleet.size() - 1;
        assertThatThrownBy(() -> await(f.client.withSession(f.hls(wrong), "read", s -> s.reads().indexes())))
                .isInstanceOfSatisfying(MeterException.class, e -> {
                    assertThat(e.kind()).isEqualTo(MeterFailureKind.AUTHENTICATION_FAILED);
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).contains(f.fleet.identity(wrong).ean()).contains("associate");
                });
    }

    @ParameterizedTest
    @EnumSource(SimTransport.class)
    void resynchronisesABehindInvocationCounterOnce(SimTransport transport) throws Exception {
        SimulatorFixture f = fixture(transport);
        int meter = 6;
        await(f.client.withSession(f.hls(meter), "read", s -> s.reads().indexes()));
        f.fleet.state(meter).forceInvocationCounter(1_000_000); // another head-end used the meter meanwhile
        IndexReading r = await(f.client.withSession(f.hls(meter), "read", s -> s.reads().indexes()));
        assertThat(r.registers()).hasSize(4);
        assertThat(f.counters.peek(f.fleet.identity(meter).ean(), 1)).isGreaterThan(1_000_000);
    }
}
