package org.openhes.headend.protocol.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.openhes.headend.protocol.MeterException;
import org.openhes.headend.protocol.MeterFailureKind;
import org.openhes.headend.protocol.model.IndexReading;
import org.openhes.headend.protocol.model.MeterSecurity;
import org.openhes.headend.protocol.model.MeterTarget;
import org.openhes.headend.simulator.SimulatedFleet;
import org.openhes.headend.simulator.SimulatorConfig;

/**
 * Key renewal over real TCP against the simulator: global_key_transfer changes the keys the meter wants
 * from its next association on, a wrong KEK changes nothing, a link lost after the transfer leaves the
 * head-end not knowing (the meter took the keys), and the invocation counter restarts with the new key
 * or not, as the meter does it.
 */
class KeyTransferTcpTest {
    static final HexFormat HEX = HexFormat.of();
    static final byte[] NEW_EK = HEX.parseHex("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");
    static final byte[] NEW_AK = HEX.parseHex("b0b1b2b3b4b5b6b7b8b9babbbcbdbebf");

    static SimulatorFixture fleet(String variants, long firstCounter) throws Exception {
        return new SimulatorFixture(SimulatedFleet.start(SimulatorConfig.builder().meters(2).port(0).variants(variants)
                .manualReconnectShare(0).clock(Clock.fixed(SimulatorFixture.NOW, SimulatorFixture.BRUSSELS)).build()),
                SimulatorFixture.fast(), firstCounter);
    }

    static <T> T await(CompletableFuture<T> f) throws Exception {
        return MeterSessionTcpTest.await(f);
    }

    /** Meter {@code i} as the head-end reaches it with other keys. */
    static MeterTarget withKeys(SimulatorFixture f, int i, byte[] ek, byte[] ak) {
        MeterTarget t = f.hls(i);
        return new MeterTarget(t.meterId(), t.endpoint(), MeterSecurity.hlsGmac(SimulatorFixture.CLIENT_TITLE, ek, ak), t.profile());
    }

    static void transfer(SimulatorFixture f, int i, byte[] kek, byte[] ek, byte[] ak) throws Exception {
        await(f.client.withSession(f.hls(i), "renew keys", s -> s.keys().transfer(kek, ek, ak)));
    }

    static void reads(SimulatorFixture f, MeterTarget t) throws Exception {
        Instant clock = await(f.client.withSession(t, "clock", s -> s.reads().clock()));
        assertThat(clock).isEqualTo(SimulatorFixture.NOW);
        IndexReading indexes = await(f.client.withSession(t, "read", s -> s.reads().indexes()));
        assertThat(indexes.registers()).hasSize(4);
    }

    static void refused(SimulatorFixture f, MeterTarget t) {
        assertThatThrownBy(() -> await(f.client.withSession(t, "read", s -> s.reads().indexes())))
                .isInstanceOfSatisfying(MeterException.class, e -> assertThat(e.kind()).isEqualTo(MeterFailureKind.AUTHENTICATION_FAILED));
    }

    @Test
    void both_keys_changed_serve_the_next_association_and_the_old_ones_are_refused() throws Exception {
        try (SimulatorFixture f = fleet("", 1)) {
            transfer(f, 0, f.fleet.masterKey(0), NEW_EK, NEW_AK);
            assertThat(f.fleet.keyChanges(0)).isEqualTo(1);
            assertThat(f.fleet.currentKeys(0)).isDeepEqualTo(new byte[][] {NEW_EK, NEW_AK});
            reads(f, withKeys(f, 0, NEW_EK, NEW_AK));
            refused(f, f.hls(0));
            reads(f, f.hls(1)); // the other meter keeps its keys
            assertThat(f.fleet.keyChanges(1)).isZero();
        }
    }

    @Test
    void the_session_trace_names_the_keys_changed_and_masks_them() throws Exception {
        try (SimulatorFixture f = fleet("", 1)) {
            MeterTarget t = f.hls(0);
            var outcome = await(f.client.withSession(t, "renew keys", new MeterClient.Options(true, false),
                    s -> s.keys().transfer(f.fleet.masterKey(0), NEW_EK, NEW_AK)));
            var frames = org.openhes.headend.protocol.trace.TraceDecoder.forSession(org.openhes.headend.protocol.Transport.WRAPPER,
                    t.security()).decode(outcome.trace());
            String text = org.openhes.headend.protocol.trace.TraceText.format(frames, true);
            assertThat(text).contains("64/0-0:43.0.0.255 method 2")
                    .contains("array {structure {enum 0, octet-string ***(24 bytes)}, structure {enum 2, octet-string ***(24 bytes)}}");
            for (byte[] secret : new byte[][] {NEW_EK, NEW_AK, KeyWrap.wrap(f.fleet.masterKey(0), NEW_EK), KeyWrap.wrap(f.fleet.masterKey(0), NEW_AK)}) {
                assertThat(text.toLowerCase().replace(" ", "")).doesNotContain(HEX.formatHex(secret).substring(0, 16));
            }
        }
    }

    @Test
    void only_the_authentication_key_changed() throws Exception {
        try (SimulatorFixture f = fleet("", 1)) {
            byte[] ek = f.fleet.identity(0).encryptionKey();
            transfer(f, 0, f.fleet.masterKey(0), null, NEW_AK);
            assertThat(f.fleet.currentKeys(0)).isDeepEqualTo(new byte[][] {ek, NEW_AK});
            reads(f, withKeys(f, 0, ek, NEW_AK));
            refused(f, f.hls(0));
        }
    }

    @Test
    void a_wrong_kek_is_refused_and_changes_nothing() throws Exception {
        try (SimulatorFixture f = fleet("", 1)) {
            assertThatThrownBy(() -> transfer(f, 0, f.fleet.masterKey(1), NEW_EK, NEW_AK))
                    .isInstanceOfSatisfying(MeterException.class, e -> {
                        assertThat(e.kind()).isEqualTo(MeterFailureKind.REQUEST_REFUSED);
                        assertThat(e.retryable()).isFalse();
                        assertThat(e.step()).startsWith("ACTION 0-0:43.0.0.255/2");
                        assertThat(e.getMessage()).contains("the meter refused the key transfer (other-reason)")
                                .contains("check the meter's master key (KEK)");
                        String all = e.getMessage() + e.detail();
                        for (byte[] secret : new byte[][] {NEW_EK, NEW_AK, f.fleet.masterKey(0), f.fleet.masterKey(1)}) {
                            assertThat(all.toLowerCase()).doesNotContain(HEX.formatHex(secret));
                        }
                    });
            assertThat(f.fleet.keyChanges(0)).isZero();
            assertThat(f.fleet.currentKeys(0)).isDeepEqualTo(new byte[][] {f.fleet.identity(0).encryptionKey(), f.fleet.identity(0).authenticationKey()});
            reads(f, f.hls(0));
        }
    }

    @Test
    void both_keys_null_is_an_illegal_argument() throws Exception {
        try (SimulatorFixture f = fleet("", 1)) {
            assertThatThrownBy(() -> await(f.client.withSession(f.hls(0), "renew keys", s -> s.keys().transfer(f.fleet.masterKey(0), null, null))))
                    .hasRootCauseInstanceOf(IllegalArgumentException.class);
            assertThat(f.fleet.keyChanges(0)).isZero();
        }
    }

    @Test
    void a_link_lost_after_the_transfer_fails_the_future_though_the_meter_took_the_keys() throws Exception {
        try (SimulatorFixture f = fleet("", 1)) {
            f.fleet.dropLinkAfterKeyTransfer(0);
            assertThatThrownBy(() -> transfer(f, 0, f.fleet.masterKey(0), NEW_EK, NEW_AK))
                    .isInstanceOfSatisfying(MeterException.class, e -> {
                        assertThat(e.kind()).isEqualTo(MeterFailureKind.CONNECTION_LOST);
                        assertThat(e.step()).startsWith("ACTION 0-0:43.0.0.255/2");
                        assertThat(e.retryable()).isTrue();
                    });
            assertThat(f.fleet.keyChanges(0)).isEqualTo(1);
            reads(f, withKeys(f, 0, NEW_EK, NEW_AK));
            refused(f, f.hls(0));
            // one shot: the next transfer (back to the factory keys, in an association with the new ones) is answered
            await(f.client.withSession(withKeys(f, 0, NEW_EK, NEW_AK), "renew keys", s -> s.keys().transfer(f.fleet.masterKey(0),
                    f.fleet.identity(0).encryptionKey(), f.fleet.identity(0).authenticationKey())));
            assertThat(f.fleet.keyChanges(0)).isEqualTo(2);
            reads(f, f.hls(0));
        }
    }

    /** A second head-end client on the same meters, its counters from {@code firstCounter}, counting its resynchronisations. */
    record Counting(MeterClient client, InMemoryInvocationCounterStore counters, AtomicInteger resyncs) {
        static Counting of(SimulatorFixture f, long firstCounter) {
            AtomicInteger resyncs = new AtomicInteger();
            InMemoryInvocationCounterStore counters = new InMemoryInvocationCounterStore(firstCounter);
            MeterClient c = new MeterClient(f.connector, f.pool, counters, new MeterMetadataCache(), SimulatorFixture.fast(), f.clock,
                    new SessionEvents() {
                        @Override
                        public void counterResynchronised() {
                            resyncs.incrementAndGet();
                        }
                    });
            return new Counting(c, counters, resyncs);
        }

        IndexReading read(MeterTarget t) throws Exception {
            return await(client.withSession(t, "read", s -> s.reads().indexes()));
        }
    }

    @Test
    void by_default_the_counter_restarts_with_the_new_key() throws Exception {
        try (SimulatorFixture f = fleet("", 5000)) {
            transfer(f, 0, f.fleet.masterKey(0), NEW_EK, NEW_AK);
            assertThat(f.fleet.state(0).nextInvocationCounter()).isZero(); // the rest of the old key's association does not count
            Counting fresh = Counting.of(f, 1);
            assertThat(fresh.read(withKeys(f, 0, NEW_EK, NEW_AK)).registers()).hasSize(4);
            assertThat(fresh.resyncs()).hasValue(0);
            assertThat(f.fleet.state(0).nextInvocationCounter()).isLessThan(5000);
        }
    }

    @Test
    void a_meter_that_keeps_the_counter_refuses_a_small_one_under_the_new_key() throws Exception {
        try (SimulatorFixture f = fleet("key-change-keeps-counter", 5000)) {
            transfer(f, 0, f.fleet.masterKey(0), NEW_EK, NEW_AK);
            long floor = f.fleet.state(0).nextInvocationCounter();
            assertThat(floor).isGreaterThan(5000);
            MeterTarget renewed = withKeys(f, 0, NEW_EK, NEW_AK);
            // a counter below the old key's floor is refused: read through the public client, then past it
            Counting fresh = Counting.of(f, 1);
            assertThat(fresh.read(renewed).registers()).hasSize(4);
            assertThat(fresh.resyncs()).hasValue(1);
            assertThat(fresh.counters().peek(renewed.meterId(), 1)).isGreaterThan(floor);
            // a counter past the old floor is taken at once
            Counting ahead = Counting.of(f, floor + 100);
            assertThat(ahead.read(renewed).registers()).hasSize(4);
            assertThat(ahead.resyncs()).hasValue(0);
        }
    }

    /** One association by hand, counters from {@code firstCounter}, without the client's resynchronisation. */
    static IndexReading readByHand(SimulatorFixture f, MeterTarget t, long firstCounter) throws Exception {
        var link = await(f.connector.connect(t.label(), t.endpoint(), SimulatorFixture.fast().connect(), false));
        try {
            MeterSession s = new MeterSession(t, link, new InMemoryInvocationCounterStore(firstCounter), new MeterMetadataCache(),
                    SimulatorFixture.fast(), f.clock);
            return await(s.open().thenCompose(v -> s.reads().indexes()).thenCompose(r -> s.release().thenApply(v -> r)));
        } finally {
            await(link.close());
        }
    }

    @Test
    void under_the_kept_floor_the_new_key_is_refused_for_its_counter_alone() throws Exception {
        try (SimulatorFixture f = fleet("key-change-keeps-counter", 5000)) {
            transfer(f, 0, f.fleet.masterKey(0), NEW_EK, NEW_AK);
            long floor = f.fleet.state(0).nextInvocationCounter();
            MeterTarget renewed = withKeys(f, 0, NEW_EK, NEW_AK);
            // the simulator (Gurux) answers a counter it has seen at the AARQ with a deciphering error, as
            // many meters do: the client tells it from wrong keys by reading the meter's counter
            assertThatThrownBy(() -> readByHand(f, renewed, 1)).isInstanceOfSatisfying(MeterException.class, e -> {
                assertThat(e.kind()).isEqualTo(MeterFailureKind.AUTHENTICATION_FAILED);
                assertThat(e.step()).isEqualTo("associate AARQ");
            });
            assertThat(readByHand(f, renewed, floor).registers()).hasSize(4); // same keys, counter past the floor
        }
    }

    @Test
    void with_the_counter_restarted_a_small_counter_is_taken_by_hand_too() throws Exception {
        try (SimulatorFixture f = fleet("", 5000)) {
            transfer(f, 0, f.fleet.masterKey(0), NEW_EK, NEW_AK);
            assertThat(readByHand(f, withKeys(f, 0, NEW_EK, NEW_AK), 1).registers()).hasSize(4);
        }
    }
}
