package org.openhes.headend.protocol.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openhes.headend.protocol.trace.HandMade.*;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openhes.headend.protocol.Transport;
import org.openhes.headend.protocol.transport.WireTrace;

/** HDLC frames: control frames by name, sequence numbers, checks, segments put together. */
class TraceHdlcTest {
    private static final TraceDecoder HDLC = new TraceDecoder(Transport.HDLC, EK, AK, CLIENT);
    /** Client SAP 1 (03) and server 1/17 (02 23): what the simulator's session used. */
    private static final String CLIENT_ADDRESS = "03", SERVER_ADDRESS = "0223";

    private static List<DecodedFrame> decode(WireTrace.Entry... e) {
        return HDLC.decode(List.of(e));
    }

    @Test
    void the_frame_check_sequence_of_these_tests_is_the_meters() {
        // SNRM and UA as a session with the simulated meter recorded them
        String snrm = "7E A0 08 02 23 03 93 3E 74 7E";
        String ua = "7E A0 1F 03 02 23 73 C3 71 81 80 12 05 01 80 06 01 80 07 04 00 00 00 01 08 04 00 00 00 01 53 3B 7E";
        assertThat(hdlc(SERVER_ADDRESS, CLIENT_ADDRESS, 0x93, "", false)).isEqualTo(snrm);
        List<DecodedFrame> frames = decode(tx("associate SNRM", snrm), rx("associate SNRM", ua));
        assertThat(frames).extracting(DecodedFrame::problem).containsOnlyNulls();
        assertThat(frames.get(1).link().parameters()).containsExactly(java.util.Map.entry("max-info-field-length-transmit", 128L),
                java.util.Map.entry("max-info-field-length-receive", 128L), java.util.Map.entry("window-size-transmit", 1L),
                java.util.Map.entry("window-size-receive", 1L));
    }

    @ParameterizedTest
    @CsvSource({"93,SNRM,,,true", "53,DISC,,,true", "73,UA,,,true", "1F,DM,,,true", "31,RR,,1,true", "A1,RR,,5,false",
        "35,RNR,,1,true", "97,FRMR,,,true", "32,I,1,1,true", "E8,I,4,7,false", "13,UI,,,true"})
    void names_hdlc_control_frames(String control, String name, Integer ns, Integer nr, boolean pollFinal) {
        DecodedFrame f = decode(tx("x", hdlc(SERVER_ADDRESS, CLIENT_ADDRESS, Integer.parseInt(control, 16), "", false))).get(0);
        assertThat(f.pdu()).isEqualTo("HDLC " + name);
        assertThat(f.link().frame()).isEqualTo(name);
        assertThat(f.link().sendSequence()).isEqualTo(ns);
        assertThat(f.link().receiveSequence()).isEqualTo(nr);
        assertThat(f.link().pollFinal()).isEqualTo(pollFinal);
        assertThat(f.link().destination()).isEqualTo("1/17");
        assertThat(f.link().source()).isEqualTo("1");
        assertThat(f.problem()).isNull();
    }

    @Test
    void reads_four_byte_server_addresses() {
        // upper 1, lower 0x3FFF (broadcast): 00 02 FE FF
        DecodedFrame f = decode(tx("x", hdlc("0002FEFF", "21", 0x93, "", false))).get(0);
        assertThat(f.link().destination()).isEqualTo("1/16383");
        assertThat(f.link().source()).isEqualTo("16");
    }

    @Test
    void a_damaged_frame_says_which_check_fails() {
        String good = hdlc(CLIENT_ADDRESS, SERVER_ADDRESS, 0x30, "E6E700" + "C401C1000600000457", false);
        String damaged = good.replace("00 00 04 57", "00 00 04 58");
        DecodedFrame f = decode(rx("GET", damaged)).get(0);
        assertThat(f.problem()).isEqualTo("the FCS does not verify");
        assertThat(f.pdu()).isEqualTo("get-response-normal");
        assertThat(f.results().get(0).data().value()).isEqualTo(1112L);
    }

    @Test
    void a_format_field_that_disagrees_with_the_frame_is_named() {
        String f = hdlc(SERVER_ADDRESS, CLIENT_ADDRESS, 0x93, "", false).replace("7E A0 08", "7E A0 09");
        assertThat(decode(tx("x", f)).get(0).problem()).startsWith("the format field gives 9 bytes, the frame has 8");
    }

    @Test
    void segmented_replies_decode_once_complete() {
        String apdu = "C401C100" + "0203" + "0600000457" + "0A0548656C6C6F" + "1200FF";
        String s1 = "E6E700" + apdu.substring(0, 10), s2 = apdu.substring(10, 24), s3 = apdu.substring(24);
        List<DecodedFrame> frames = decode(
                rx("GET", hdlc(CLIENT_ADDRESS, SERVER_ADDRESS, 0x30, s1, true)),
                tx("GET", hdlc(SERVER_ADDRESS, CLIENT_ADDRESS, 0x51, "", false)),
                rx("GET", hdlc(CLIENT_ADDRESS, SERVER_ADDRESS, 0x52, s2, true)),
                tx("GET", hdlc(SERVER_ADDRESS, CLIENT_ADDRESS, 0x71, "", false)),
                rx("GET", hdlc(CLIENT_ADDRESS, SERVER_ADDRESS, 0x74, s3, false)));
        assertThat(frames).extracting(DecodedFrame::pdu)
                .containsExactly("segment 1", "HDLC RR", "segment 2", "HDLC RR", "get-response-normal");
        assertThat(frames).extracting(f -> f.link().segment()).containsExactly(1, null, 2, null, 3);
        assertThat(frames.get(0).link().lastSegment()).isFalse();
        assertThat(frames.get(4).link().lastSegment()).isTrue();
        assertThat(TraceText.oneLine(frames.get(4).results().get(0).data()))
                .isEqualTo("structure {double-long-unsigned 1111, visible-string Hello, long-unsigned 255}");
        assertThat(TraceText.format(frames.subList(0, 1))).isEqualTo(
                "10:15:30.250 RX [GET] segment 1 — HDLC I N(S)=0 N(R)=1 F 1/17→1, segment 1\n");
    }

    @Test
    void an_hdlc_aarq_masked_by_the_recorder_is_decoded_without_checking_its_fcs() {
        String aarq = "6020A109060760857405080101" + "8B0760857405080201" + "AC0A80083132333435363738";
        String recorded = hdlc(SERVER_ADDRESS, CLIENT_ADDRESS, 0x10, "E6E600" + aarq, false)
                .replace("80 08 31 32 33 34 35 36 37 38", "** ** ** ** ** ** ** ** ** **");
        DecodedFrame f = decode(tx("associate AARQ", recorded)).get(0);
        assertThat(f.problem()).isNull();
        assertThat(f.association().authenticationValue()).isEqualTo("***(8 bytes)");
    }
}
