package org.openhes.headend.protocol.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openhes.headend.protocol.trace.HandMade.*;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openhes.headend.protocol.Transport;
import org.openhes.headend.protocol.transport.WireTrace;

/** A hostile meter's trace costs bounded work: every frame ends as decoded data or a reason. */
class TraceHostileInputTest {
    @Test
    void data_nested_deeper_than_32_levels_is_refused_by_name() {
        String deep = "C401C100" + "0101".repeat(40) + "1100";
        DecodedFrame f = decode(rx("GET", wrapped(deep))).get(0);
        assertThat(f.pdu()).isEqualTo("get-response-normal");
        assertThat(f.problem()).startsWith("cannot decode: data nested deeper than 32 levels");
        assertThat(f.hex()).isEqualTo(wrapped(deep));
    }

    @Test
    void a_count_beyond_the_bytes_left_is_refused_before_anything_is_allocated() {
        DecodedFrame f = decode(rx("GET", wrapped("C401C100" + "01847FFFFFFF" + "1100"))).get(0);
        assertThat(f.problem()).isEqualTo("cannot decode: an array's element count of 2147483647 in 2 bytes (byte 5)");
    }

    @Test
    void shows_at_most_a_thousand_elements_of_a_frame_and_counts_the_rest() {
        String big = "C401C100" + "01821770" + "1107".repeat(6000);
        DecodedFrame f = decode(rx("GET", wrapped(big))).get(0);
        DataValue array = f.results().get(0).data();
        assertThat(array.elements()).hasSize(TraceDecoder.MAX_ELEMENTS);
        assertThat(array.elements().get(TraceDecoder.MAX_ELEMENTS - 1))
                .isEqualTo(DataValue.of("not-shown", "5001 more elements (past the elements shown per frame)"));
        assertThat(f.hex()).endsWith("…(12016 bytes in all)");
        assertThat(TraceText.format(List.of(f))).hasSizeLessThan(TraceText.MAX_FRAME_CHARS + 200);
    }

    @Test
    void long_strings_are_cut() {
        String text = "0A8201F4" + "41".repeat(500);
        DataValue v = decode(rx("GET", wrapped("C401C100" + text))).get(0).results().get(0).data();
        assertThat((String) v.value()).hasSize(DataDecoder.MAX_SHOWN_BYTES + "…(500 bytes)".length()).endsWith("…(500 bytes)");
    }

    @Test
    void a_compact_array_of_zero_width_rows_is_refused() {
        DecodedFrame f = decode(rx("GET", wrapped("C401C100" + "130200" + "0C" + "00".repeat(12)))).get(0);
        assertThat(f.problem()).contains("compact array whose rows are zero bytes wide");
    }

    @Test
    void segments_that_grow_past_a_mebibyte_are_refused() {
        TraceDecoder hdlc = new TraceDecoder(Transport.HDLC, EK, AK, CLIENT);
        List<WireTrace.Entry> entries = new ArrayList<>();
        String segment = hdlc("03", "0223", 0x10, "00".repeat(2000), true);
        for (int i = 0; i < 530; i++) entries.add(rx("GET", segment));
        List<DecodedFrame> frames = hdlc.decode(entries);
        assertThat(frames.get(523).pdu()).isEqualTo("segment 524");
        assertThat(frames.get(524).problem()).isEqualTo("cannot decode: an APDU put together from parts grows past 1048576 bytes (byte 9)");
        assertThat(frames.get(525).pdu()).isEqualTo("segment 1"); // the next segments start a new APDU
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void random_frames_end_as_decoded_frames_or_reasons() {
        SplittableRandom random = new SplittableRandom(20261120);
        for (Transport transport : Transport.values()) {
            TraceDecoder d = new TraceDecoder(transport, EK, AK, CLIENT);
            List<WireTrace.Entry> entries = new ArrayList<>();
            entries.add(rx("associate AARQ", transport == Transport.WRAPPER ? wrapped(AARE) : hdlc("03", "0223", 0x30, "E6E700" + AARE, false)));
            for (int i = 0; i < 3000; i++) {
                byte[] apdu = new byte[random.nextInt(1, 300)];
                random.nextBytes(apdu);
                // mostly plausible tags, so that the decoders get past the first byte
                int[] tags = {0x60, 0x61, 0x62, 0x63, 0xC0, 0xC1, 0xC3, 0xC4, 0xC5, 0xC7, 0xCC, 0xDB, 0xD8, 0x0E, 0x0F, 0xC2, 0xE0};
                apdu[0] = (byte) tags[random.nextInt(tags.length)];
                String hex = HEX.formatHex(apdu);
                String frame = transport == Transport.WRAPPER ? wrapped(hex)
                        : hdlc("03", "0223", random.nextInt(256), (random.nextBoolean() ? "E6E700" : "") + hex, random.nextInt(4) == 0);
                entries.add(random.nextBoolean() ? rx("x", frame) : tx("x", frame));
            }
            List<DecodedFrame> frames = d.decode(entries);
            assertThat(frames).hasSize(entries.size()).allSatisfy(f -> {
                assertThat(f.pdu()).isNotNull();
                assertThat(f.hex()).isNotEmpty();
            });
            assertThat(frames).extracting(DecodedFrame::problem).noneMatch(p -> p != null && p.contains("Exception"));
            for (DecodedFrame f : frames) assertThat(TraceText.format(f, true).length()).isLessThan(TraceText.MAX_FRAME_CHARS + 200);
            StrictJson.write(TraceJson.toMaps(frames));
        }
    }

    @Test
    void hex_that_is_not_hex_is_named() {
        DecodedFrame f = decode(rx("x", "00 01 ZZ")).get(0);
        assertThat(f.problem()).isEqualTo("the recorded hex has a non-hex character at 6");
        assertThat(f.pdu()).isEqualTo("?");
    }
}
