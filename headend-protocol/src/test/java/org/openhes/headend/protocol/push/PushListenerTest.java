package org.openhes.headend.protocol.push;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openhes.headend.protocol.transport.MeterConnector;
import org.openhes.headend.protocol.transport.NettyIo;
import org.openhes.headend.simulator.MeterIdentity;
import org.openhes.headend.simulator.SimulatedFleet;
import org.openhes.headend.simulator.SimulatorConfig;

class PushListenerTest {
    @Test
    void cipheredAlarmsAreDecodedAndForgedOnesRejected() throws Exception {
        var connector = new MeterConnector(NettyIo.choose("auto"), 1, MeterConnector.DEFAULT_MAX_FRAME, Clock.systemUTC());
        var executor = Executors.newSingleThreadExecutor();
        List<PushListener.PushEvent> events = new CopyOnWriteArrayList<>();
        List<String> rejected = new CopyOnWriteArrayList<>();
        try (SimulatedFleet fleet = SimulatedFleet.start(SimulatorConfig.builder().meters(3).port(0).wrongKeyMeters(1).build())) {
            PushListener.KeyResolver keys = title -> {
                for (int i = 0; i < fleet.size(); i++) {
                    MeterIdentity id = fleet.identity(i);
                    if (Arrays.equals(id.systemTitle(), title)) {
                        return Optional.of(new PushListener.PushKeys(id.ean(), id.encryptionKey(), id.authenticationKey()));
                    }
                }
                return Optional.empty();
            };
            PushListener.Sink sink = new PushListener.Sink() {
                @Override
                public void accept(PushListener.PushEvent e) {
                    events.add(e);
                }

                @Override
                public void rejected(String from, String reason) {
                    rejected.add(reason);
                }
            };
            try (PushListener listener = PushListener.start(connector, new InetSocketAddress("127.0.0.1", 0), keys, sink, executor, Clock.systemUTC())) {
                InetSocketAddress at = new InetSocketAddress("127.0.0.1", listener.port());
                fleet.pushAlarm(0, at, 0x81L);
                fleet.pushAlarm(2, at, 0x01L); // the wrong-keys meter: its push does not authenticate
                try (Socket s = new Socket("127.0.0.1", listener.port())) {
                    s.getOutputStream().write(new byte[] {0, 1, 0, 1, 0, 1, 0, 3, (byte) 0xDB, 8, 1}); // truncated garbage
                }
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while ((events.isEmpty() || rejected.isEmpty()) && System.nanoTime() < until) Thread.sleep(50);
                assertThat(events).singleElement().satisfies(e -> {
                    assertThat(e.meterId()).isEqualTo(fleet.identity(0).ean());
                    assertThat(e.ciphered()).isTrue();
                    assertThat(e.values()).contains(0x81L);
                });
                assertThat(rejected).anySatisfy(r -> assertThat(r).contains("does not decode or authenticate"));
            }
        } finally {
            connector.close();
            executor.shutdown();
        }
    }
}
