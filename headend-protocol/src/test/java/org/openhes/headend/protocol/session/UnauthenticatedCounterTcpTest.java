package org.openhes.headend.protocol.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.openhes.headend.protocol.MeterException;
import org.openhes.headend.protocol.MeterFailureKind;
import org.openhes.headend.protocol.model.MeterSecurity;
import org.openhes.headend.protocol.model.MeterTarget;

/**
 * An AARQ the meter cannot decipher (other keys) must not move the meter's invocation counter floor: a
 * real meter checks the tag before it takes the counter, or anyone could lock it out by sending a high
 * counter. The simulator took the counter of such a request until the key renewal's probes showed it
 * (a probe with the old keys locked the new ones out).
 */
class UnauthenticatedCounterTcpTest {
    @Test
    void aRequestThatDoesNotDecipherLeavesTheMetersCounterWhereItWas() throws Exception {
        try (SimulatorFixture f = KeyTransferTcpTest.fleet("", 1000)) {
            MeterTarget pub = new MeterTarget(f.hls(0).meterId(), f.hls(0).endpoint().withClientSap(16), MeterSecurity.none(), f.hls(0).profile());
            long before = KeyTransferTcpTest.await(f.client.withSession(pub, "counter", s -> s.reads().invocationCounter()));
            MeterTarget wrongKeys = KeyTransferTcpTest.withKeys(f, 0, KeyTransferTcpTest.NEW_EK, KeyTransferTcpTest.NEW_AK);
            assertThatThrownBy(() -> KeyTransferTcpTest.await(f.client.withSession(wrongKeys, "read", s -> s.reads().clock())))
                    .isInstanceOfSatisfying(MeterException.class, e -> assertThat(e.kind()).isEqualTo(MeterFailureKind.AUTHENTICATION_FAILED));
            long after = KeyTransferTcpTest.await(f.client.withSession(pub, "counter", s -> s.reads().invocationCounter()));
            assertThat(after).isEqualTo(before);
            // the right keys, with a counter above the floor, still open it; and that counter is taken
            KeyTransferTcpTest.reads(f, f.hls(0));
            long taken = KeyTransferTcpTest.await(f.client.withSession(pub, "counter", s -> s.reads().invocationCounter()));
            assertThat(taken).isGreaterThan(1000L);
        }
    }
}
