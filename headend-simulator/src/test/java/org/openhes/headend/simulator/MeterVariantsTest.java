package org.openhes.headend.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class MeterVariantsTest {
    @Test
    void switch_names_parse_into_variants_and_print_back() {
        MeterVariants v = MeterVariants.parse(" aare-no-auth-required, small-pdu=256 ,scaler=-3,long64");
        assertThat(v).containsExactly(MeterVariant.Quirk.AARE_NO_AUTH_REQUIRED, new MeterVariant.SmallPdu(256),
                new MeterVariant.Scaler(-3), MeterVariant.Quirk.LONG64);
        assertThat(v.has(MeterVariant.Quirk.LONG64)).isTrue();
        assertThat(v.smallPdu()).hasValue(256);
        assertThat(v.scaler()).isEqualTo(-3);
        assertThat(v).hasToString("aare-no-auth-required,small-pdu=256,scaler=-3,long64");
        assertThat(MeterVariants.parse(v.toString())).isEqualTo(v);
        assertThat(MeterVariants.parse("")).isSameAs(MeterVariants.NONE);
        assertThat(MeterVariants.NONE.scaler()).isZero();
        for (MeterVariant.Quirk q : MeterVariant.Quirk.values()) assertThat(MeterVariants.parse(q.switchName())).containsExactly(q);
    }

    @Test
    void an_unknown_variant_is_named_with_the_known_ones() {
        assertThatThrownBy(() -> MeterVariants.parse("long64,landis-special"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unknown variant landis-special (known: aare-no-auth-required, ")
                .hasMessageContaining("limiter-monitor-hidden, key-change-keeps-counter, small-pdu=N, scaler=N)");
    }

    @Test
    void parameters_are_checked() {
        assertThatThrownBy(() -> MeterVariants.parse("small-pdu")).hasMessageContaining("small-pdu needs a value");
        assertThatThrownBy(() -> MeterVariants.parse("small-pdu=big")).hasMessage("variant small-pdu needs a whole number (was big)");
        assertThatThrownBy(() -> MeterVariants.parse("small-pdu=32")).hasMessage("small-pdu must be between 64 and 65535 bytes (was 32)");
        assertThatThrownBy(() -> MeterVariants.parse("scaler=4")).hasMessage("scaler must be between -3 and 3 (was 4)");
        assertThatThrownBy(() -> MeterVariants.parse("long64=1")).hasMessage("variant long64 takes no value (was long64=1)");
    }

    @Test
    void conflicting_variants_are_refused() {
        assertThatThrownBy(() -> MeterVariants.parse("small-pdu=256,small-pdu=512"))
                .hasMessage("variants small-pdu=256 and small-pdu=512 conflict: give one small-pdu");
        assertThatThrownBy(() -> MeterVariants.parse("scaler=1,scaler=3")).hasMessageContaining("conflict");
        assertThatThrownBy(() -> MeterVariants.parse("scaler=-3"))
                .hasMessage("variant scaler=-3 needs long64: mWh indexes overflow double-long-unsigned (add long64)");
        assertThat(MeterVariants.parse("long64,long64")).containsExactly(MeterVariant.Quirk.LONG64);
    }

    @Test
    void a_variant_that_needs_hdlc_is_refused_on_a_wrapper_fleet() {
        assertThatThrownBy(() -> SimulatorConfig.builder().variants("hdlc-small-window").build())
                .hasMessage("variant hdlc-small-window needs the hdlc transport (was wrapper)");
        assertThat(SimulatorConfig.builder().transport(SimTransport.HDLC).variants("hdlc-small-window").build().variants())
                .containsExactly(MeterVariant.Quirk.HDLC_SMALL_WINDOW);
        assertThat(SimulatorConfig.builder().build().variants()).isSameAs(MeterVariants.NONE);
    }

    @Test
    void a_rebuilt_hdlc_frame_has_the_same_checksums_as_gurux_wrote() {
        byte[] frame = HexFormat.of().parseHex("7EA033030223 96C1D6E6E700DB084F4853010000000 11B3000000003"
                .replace(" ", "") + "94E398A076327CEBAADF4DAF67D7854350B5086DB2E7B1117E");
        WireFrames.Hdlc h = WireFrames.Hdlc.parse(frame);
        assertThat(h).isNotNull();
        assertThat(h.control()).isEqualTo(0x96);
        assertThat(h.withInfo(h.info())).containsExactly(frame);
        assertThat(WireFrames.apdu(frame, SimTransport.HDLC)).startsWith(0xDB, 0x08);
        byte[] shorter = WireFrames.withApdu(frame, SimTransport.HDLC, new byte[] {(byte) 0xD8, 1, 1});
        assertThat(WireFrames.apdu(shorter, SimTransport.HDLC)).containsExactly(0xD8, 1, 1);
        assertThat(shorter[2] & 0xFF).as("frame length").isEqualTo(shorter.length - 2);
    }

    @Test
    void an_aare_without_a_field_keeps_its_lengths_right() {
        byte[] aare = HexFormat.of().parseHex(
                "6129A109060760857405080101A203020101A305A10302010D" // context, rejected-permanent, authentication-failure
                + "BE10040E0800065F1F040000181F04000007");           // user-information: initiate-response
        Aare parsed = Aare.parse(aare);
        assertThat(parsed.encode()).containsExactly(aare);
        assertThat(parsed.accepted()).isFalse();
        assertThat(parsed.diagnostic()).isEqualTo(13);
        assertThat(parsed.without(Aare.USER_INFORMATION).encode())
                .containsExactly(HexFormat.of().parseHex("6117A109060760857405080101A203020101A305A10302010D"));
    }
}
