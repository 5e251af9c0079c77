package org.openhes.headend.protocol.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openhes.headend.protocol.MeterException;
import org.openhes.headend.protocol.MeterFailureKind;
import org.openhes.headend.protocol.model.CommandOutcome;
import org.openhes.headend.protocol.model.CommandResult;
import org.openhes.headend.protocol.model.PushDestination;
import org.openhes.headend.protocol.push.PushListener;
import org.openhes.headend.protocol.transport.WireTrace;
import org.openhes.headend.simulator.MeterIdentity;
import org.openhes.headend.simulator.MeterState;
import org.openhes.headend.simulator.SimTransport;
import org.openhes.headend.simulator.SimulatedFleet;
import org.openhes.headend.simulator.SimulatorConfig;

/**
 * The alarm push setup (class 40) written over real TCP: the meter holds the destination across
 * connections, and its next alarm goes there, to a head-end push listener.
 */
class PushSetupTcpTest {
    private static SimulatorFixture fleet() throws Exception {
        return new SimulatorFixture(SimulatedFleet.start(SimulatorConfig.builder().meters(3).port(0).transport(SimTransport.WRAPPER)
                .wrongKeyMeters(0).manualReconnectShare(0).build()), SimulatorFixture.fast(), 1);
    }

    @Test
    void the_destination_written_is_read_back_and_the_next_alarm_reaches_that_listener() throws Exception {
        List<PushListener.PushEvent> pushes = new CopyOnWriteArrayList<>();
        var executor = Executors.newSingleThreadExecutor();
        try (SimulatorFixture f = fleet();
             PushListener listener = PushListener.start(f.connector, new InetSocketAddress("127.0.0.1", 0), keys(f.fleet),
                     sink(pushes), executor, Clock.systemUTC())) {
            var written = await(f.client.withSession(f.hls(1), "set-push-setup", new MeterClient.Options(true, false),
                    s -> s.pushSetup().configure(new PushDestination("127.0.0.1", listener.port(), 30, 3, 60))));
            CommandResult r = written.value();
            assertThat(r.outcome()).isEqualTo(CommandOutcome.SUCCEEDED);
            assertThat(r.state()).containsEntry("destination", "127.0.0.1:" + listener.port()).containsEntry("randomisationSeconds", 30)
                    .containsEntry("retries", 3).containsEntry("repetitionDelaySeconds", 60);
            assertThat(written.trace()).extracting(WireTrace.Entry::step).contains("SET 0-4:25.9.0.255/3", "SET 0-4:25.9.0.255/6");
            assertThat(f.fleet.state(1).pushSettings())
                    .isEqualTo(new MeterState.PushSettings("127.0.0.1:" + listener.port(), 30, 3, 60));

            // a later change of the destination alone keeps the meter's retry settings
            CommandResult moved = await(f.client.withSession(f.hls(1), "set-push-setup",
                    s -> s.pushSetup().configure(new PushDestination("127.0.0.1", listener.port(), null, null, null))));
            assertThat(moved.state()).containsOnlyKeys("destination");
            assertThat(f.fleet.state(1).pushSettings().retries()).isEqualTo(3);

            f.fleet.pushAlarm(1, 0x80L); // the meter's own destination, as written
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (pushes.isEmpty() && System.nanoTime() < until) Thread.sleep(20);
            assertThat(pushes).singleElement().satisfies(e -> {
                assertThat(e.meterId()).isEqualTo(f.fleet.identity(1).ean());
                assertThat(e.values()).contains(0x80L);
            });
            // a meter no head-end has pointed anywhere pushes nowhere
            assertThatThrownBy(() -> f.fleet.pushAlarm(2, 0x80L)).hasMessageContaining("no push destination");
        } finally {
            executor.shutdown();
        }
    }

    @Test
    void an_ipv6_destination_is_written_in_brackets_and_values_out_of_range_are_refused_before_any_traffic() throws Exception {
        try (SimulatorFixture f = fleet()) {
            CommandResult v6 = await(f.client.withSession(f.hls(0), "set-push-setup",
                    s -> s.pushSetup().configure(PushDestination.parse("[2001:db8::7]:4060", null, 0, null))));
            assertThat(v6.state()).containsEntry("destination", "[2001:db8::7]:4060").containsEntry("retries", 0);
            assertThat(f.fleet.state(0).pushSettings().destination()).isEqualTo("[2001:db8::7]:4060");

            for (PushDestination bad : List.of(new PushDestination("127.0.0.1", 0, null, null, null),
                    new PushDestination("127.0.0.1", 4060, null, 256, null), new PushDestination("127.0.0.1", 4060, 70_000, null, null),
                    new PushDestination("host with spaces", 4060, null, null, null))) {
                assertThatThrownBy(() -> await(f.client.withSession(f.hls(2), "set-push-setup", s -> s.pushSetup().configure(bad))))
                        .isInstanceOfSatisfying(MeterException.class, e -> assertThat(e.kind()).isEqualTo(MeterFailureKind.INVALID_REQUEST));
            }
            assertThat(f.fleet.state(2).pushSettings()).as("nothing was written").isNull();
        }
    }

    @Test
    void a_destination_that_is_not_host_and_port_is_refused_with_what_to_write() {
        for (String bad : List.of("4060", "127.0.0.1:", "127.0.0.1:port", "2001:db8::7:4060")) {
            assertThatThrownBy(() -> PushDestination.parse(bad, null, null, null)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("(was " + bad + ")");
        }
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> f) throws Exception {
        return MeterSessionTcpTest.await(f);
    }

    private static PushListener.KeyResolver keys(SimulatedFleet fleet) {
        return title -> {
            for (int i = 0; i < fleet.size(); i++) {
                MeterIdentity id = fleet.identity(i);
                if (Arrays.equals(id.systemTitle(), title)) {
                    return Optional.of(new PushListener.PushKeys(id.ean(), id.encryptionKey(), id.authenticationKey()));
                }
            }
            return Optional.empty();
        };
    }

    private static PushListener.Sink sink(List<PushListener.PushEvent> pushes) {
        return new PushListener.Sink() {
            @Override
            public void accept(PushListener.PushEvent e) {
                pushes.add(e);
            }

            @Override
            public void rejected(String from, String reason) {
            }
        };
    }
}
