package org.openhes.headend.protocol.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openhes.headend.protocol.trace.HandMade.*;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A key transfer (security setup, global_key_transfer) in a trace: which keys, never the wrapped keys. */
class TraceKeyTransferTest {
    static final String WRAPPED_EK = "1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5";
    static final String WRAPPED_AK = "64E8C3F9CE0F5BA263E9777905818A2A93C8191E7D6E8AE7";
    static final String PARAMETER = "0102" + "0202" + "1600" + "0918" + WRAPPED_EK + "0202" + "1602" + "0918" + WRAPPED_AK;
    static final String ACTION = "C301C1" + "0040" + "00002B0000FF" + "02" + "01" + PARAMETER;

    static DataValue key(long id) {
        return DataValue.container("structure", List.of(DataValue.of("enum", id), DataValue.of("octet-string", "***(24 bytes)")));
    }

    @Test
    void shows_the_key_ids_and_masks_the_wrapped_keys_in_values_and_hex() {
        List<DecodedFrame> frames = decode(tx("ACTION 0-0:43.0.0.255/2", wrapped(ACTION)),
                rx("ACTION 0-0:43.0.0.255/2", wrapped("C701C1" + "00" + "00")));
        DecodedFrame f = frames.get(0);
        assertThat(f.problem()).isNull();
        assertThat(f.descriptors().get(0).classId()).isEqualTo(64);
        assertThat(f.values()).containsExactly(DataValue.container("array", List.of(key(0), key(2))));
        assertThat(frames.get(1).results()).extracting(DecodedFrame.Result::outcome).containsExactly("success");
        String all = TraceText.format(frames, true) + StrictJson.write(TraceJson.toMaps(frames));
        assertThat(all).contains("***(24 bytes)")
                .doesNotContain("1FA68B0A").doesNotContain("1F A6 8B 0A").doesNotContain("64E8C3F9").doesNotContain("64 E8 C3 F9")
                .doesNotContain("2371D2CFE5").doesNotContain("23 71 D2 CF E5");
        assertThat(f.hex()).contains("16 00 09 18 " + "** ".repeat(24) + "02 02 16 02 09 18 " + "** ".repeat(23) + "**");
    }

    @Test
    void masks_the_wrapped_keys_of_a_ciphered_transfer_too() throws Exception {
        List<DecodedFrame> frames = decode(rx("associate AARQ", wrapped(AARE)),
                tx("ACTION 0-0:43.0.0.255/2", wrapped(glo("CB", CLIENT, 7, ACTION))));
        DecodedFrame f = frames.get(1);
        assertThat(f.problem()).isNull();
        assertThat(f.values()).containsExactly(DataValue.container("array", List.of(key(0), key(2))));
        assertThat(TraceText.format(frames, true)).doesNotContain("1FA68B0A").doesNotContain("64E8C3F9");
    }

    @Test
    void masks_the_wrapped_keys_of_a_transfer_sent_in_one_block() {
        String block = "C304C1" + "0040" + "00002B0000FF" + "02" + "01" + "00000001" + length(PARAMETER.length() / 2) + PARAMETER;
        DecodedFrame f = decode(tx("ACTION 0-0:43.0.0.255/2", wrapped(block))).get(0);
        assertThat(f.problem()).isNull();
        assertThat(f.values()).containsExactly(DataValue.container("array", List.of(key(0), key(2))));
        assertThat(f.hex()).doesNotContain("1F A6 8B").doesNotContain("64 E8 C3");
    }

    @Test
    void a_damaged_transfer_is_masked_to_the_end_of_the_frame() {
        // the second structure claims three elements: the decoder fails inside it
        String damaged = "C301C1" + "0040" + "00002B0000FF" + "02" + "01" + "0102" + "0202" + "1600" + "0918" + WRAPPED_EK
                + "0203" + "1602" + "0918" + WRAPPED_AK;
        DecodedFrame f = decode(tx("ACTION 0-0:43.0.0.255/2", wrapped(damaged))).get(0);
        assertThat(f.problem()).startsWith("cannot decode");
        assertThat(f.hex()).doesNotContain("1F A6 8B").doesNotContain("64 E8 C3");
    }
}
