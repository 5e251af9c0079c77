package org.openhes.headend.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.openhes.headend.interop.HeadendAgainstJdlms.NOW;
import static org.openhes.headend.interop.HeadendAgainstJdlms.await;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.openhes.headend.protocol.MeterException;
import org.openhes.headend.protocol.MeterFailureKind;
import org.openhes.headend.protocol.model.MeterProfile;
import org.openhes.headend.protocol.model.MeterTarget;

/**
 * Key renewal against an independent server: jDLMS's own security setup implements global_key_transfer
 * (RFC 3394 unwrap with the logical device's master key), so the head-end's wrap and parameter are
 * checked by code that is not the simulator's. (A class of its own: SessionInteropTest is long enough.)
 */
class KeyTransferInteropTest {
    static final byte[] NEW_EK = HexFormat.of().parseHex("c0c1c2c3c4c5c6c7c8c9cacbcccdcecf");
    static final byte[] NEW_AK = HexFormat.of().parseHex("d0d1d2d3d4d5d6d7d8d9dadbdcdddedf");

    @Test
    void jdlms_takes_new_keys_wrapped_under_its_master_key_for_its_next_association() throws Exception {
        try (var h = new HeadendAgainstJdlms()) {
            await(h.client.withSession(h.hls(), "renew keys", s -> s.keys().transfer(h.meter.settings().masterKey(), NEW_EK, NEW_AK)));
            MeterTarget renewed = h.hls(NEW_EK, NEW_AK, MeterProfile.emucs());
            java.time.Instant clock = await(h.client.withSession(renewed, "clock", s -> s.reads().clock()));
            assertThat(clock).isEqualTo(NOW);
            assertThat(await(h.client.withSession(renewed, "read", s -> s.reads().indexes())).registers()).hasSize(4);
            assertThatThrownBy(() -> await(h.client.withSession(h.hls(), "read", s -> s.reads().indexes())))
                    .isInstanceOfSatisfying(MeterException.class, e -> assertThat(e.kind()).as(e.getMessage())
                            .isIn(MeterFailureKind.AUTHENTICATION_FAILED, MeterFailureKind.AUTHENTICATION_SUSPECTED));
        }
    }

    @Test
    void jdlms_refuses_keys_wrapped_under_another_master_key() throws Exception {
        try (var h = new HeadendAgainstJdlms()) {
            byte[] otherKek = new byte[16];
            assertThatThrownBy(() -> await(h.client.withSession(h.hls(), "renew keys", s -> s.keys().transfer(otherKek, NEW_EK, NEW_AK))))
                    .isInstanceOfSatisfying(MeterException.class, e -> {
                        assertThat(e.kind()).as(e.getMessage()).isEqualTo(MeterFailureKind.REQUEST_REFUSED);
                        assertThat(e.getMessage()).contains("refused the key transfer (other-reason)").contains("(KEK)");
                    });
            assertThat(await(h.client.withSession(h.hls(), "read", s -> s.reads().indexes())).registers()).hasSize(4);
        }
    }
}
