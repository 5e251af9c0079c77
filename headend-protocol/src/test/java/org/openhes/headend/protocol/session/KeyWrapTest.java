package org.openhes.headend.protocol.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** RFC 3394 key wrap as global_key_transfer carries keys, and the parameter it builds. */
class KeyWrapTest {
    static final HexFormat HEX = HexFormat.of().withUpperCase();
    static final byte[] KEK = HEX.parseHex("000102030405060708090A0B0C0D0E0F");
    static final byte[] KEY = HEX.parseHex("00112233445566778899AABBCCDDEEFF");
    static final String WRAPPED = "1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5";

    @Test
    void wraps_as_rfc_3394_section_4_1() {
        assertThat(HEX.formatHex(KeyWrap.wrap(KEK, KEY))).isEqualTo(WRAPPED);
    }

    @Test
    void unwraps_rfc_3394_section_4_1() {
        assertThat(KeyWrap.unwrap(KEK, HEX.parseHex(WRAPPED))).isEqualTo(KEY);
    }

    @Test
    void another_kek_fails_the_integrity_check_without_showing_a_key() {
        byte[] other = HEX.parseHex("0F0E0D0C0B0A09080706050403020100");
        assertThatThrownBy(() -> KeyWrap.unwrap(other, HEX.parseHex(WRAPPED)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("integrity check failed")
                .hasNoCause()
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(WRAPPED).doesNotContain("00112233"));
    }

    @Test
    void refuses_keys_that_are_not_16_bytes() {
        assertThatThrownBy(() -> KeyWrap.wrap(KEK, new byte[15])).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("key to wrap must be 16 bytes (was 15 bytes)");
        assertThatThrownBy(() -> KeyWrap.wrap(null, KEY)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("KEK must be 16 bytes (was null)");
    }

    @Test
    void the_parameter_is_an_array_of_key_id_and_wrapped_key() {
        String both = HEX.formatHex(KeyTransfer.parameter(KEK, KEY, KEY));
        String one = "0202" + "16" + "%02X" + "0918" + WRAPPED;
        assertThat(both).isEqualTo("0102" + one.formatted(0) + one.formatted(2));
        assertThat(HEX.formatHex(KeyTransfer.parameter(KEK, null, KEY))).isEqualTo("0101" + one.formatted(2));
    }
}
