package org.openhes.headend.protocol.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openhes.headend.protocol.trace.HandMade.*;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.openhes.headend.protocol.Transport;

/** Hand-made APDUs (byte-exact fixtures) decoded, deciphered or refused with the reason. */
class TraceApduTest {
    @Test
    void names_a_plaintext_exception_response() {
        DecodedFrame f = decode(rx("GET 1-0:1.8.1.255/2", wrapped("D80102"))).get(0);
        assertThat(f.pdu()).isEqualTo("exception-response");
        assertThat(f.refusal()).isEqualTo(new DecodedFrame.Refusal("service-not-allowed", "service-not-supported", null, null));
        assertThat(f.ciphering()).isNull();
        assertThat(TraceText.format(List.of(f))).isEqualTo(
                "10:15:30.250 RX [GET 1-0:1.8.1.255/2] exception-response — wrapper 1→1\n"
                + "    state-error service-not-allowed, service-error service-not-supported\n");
    }

    @ParameterizedTest
    @CsvSource({"01,01,service-not-allowed,operation-not-possible", "02,02,service-unknown,service-not-supported",
        "01,03,service-not-allowed,other-reason", "01,04,service-not-allowed,pdu-too-long", "01,05,service-not-allowed,deciphering-error"})
    void names_every_state_and_service_error(String state, String service, String stateName, String serviceName) {
        DecodedFrame f = decode(rx("x", wrapped("D8" + state + service))).get(0);
        assertThat(f.refusal().stateError()).isEqualTo(stateName);
        assertThat(f.refusal().serviceError()).isEqualTo(serviceName);
    }

    @Test
    void an_invocation_counter_error_carries_the_counter_the_meter_expects() {
        DecodedFrame f = decode(rx("associate AARQ", wrapped("D8010600000457"))).get(0);
        assertThat(f.refusal()).isEqualTo(new DecodedFrame.Refusal("service-not-allowed", "invocation-counter-error", null, 1111L));
        assertThat(TraceText.format(List.of(f))).contains("(the meter expects invocation counter 1111)");
    }

    @Test
    void deciphers_a_ciphered_exception_response_with_the_system_title_of_the_aare() throws Exception {
        List<DecodedFrame> frames = decode(rx("associate AARQ", wrapped(AARE)),
                rx("GET 1-0:1.8.1.255/2", wrapped(glo("D8", METER, 7, "0105"))),
                rx("GET 1-0:1.8.1.255/2", wrapped(glo("D8", METER, 8, "D8010600000009"))));
        assertThat(frames.get(0).association().respondingApTitle()).isEqualTo("4F48530100000001 (OHS)");
        DecodedFrame f = frames.get(1);
        assertThat(f.problem()).isNull();
        assertThat(f.pdu()).isEqualTo("exception-response");
        assertThat(f.ciphering()).isEqualTo(new DecodedFrame.Ciphering("exception-response (ciphered)", "authenticated-and-encrypted", 0, 7,
                "4F48530100000001 (OHS)"));
        assertThat(f.refusal()).isEqualTo(new DecodedFrame.Refusal("service-not-allowed", "deciphering-error", null, null));
        assertThat(frames.get(2).refusal()).isEqualTo(new DecodedFrame.Refusal("service-not-allowed", "invocation-counter-error", null, 9L));
    }

    @Test
    void deciphers_an_exception_response_in_general_glo_ciphering_with_the_title_it_carries() throws Exception {
        String general = glo("DB08" + HEX.formatHex(METER), METER, 0x01020304, "D80201");
        DecodedFrame f = decode(rx("GET", wrapped(general))).get(0);
        assertThat(f.ciphering().envelope()).isEqualTo("general-glo-ciphering");
        assertThat(f.ciphering().invocationCounter()).isEqualTo(0x01020304L);
        assertThat(f.refusal().stateError()).isEqualTo("service-unknown");
        assertThat(f.refusal().serviceError()).isEqualTo("operation-not-possible");
    }

    @Test
    void deciphers_a_glo_get_request_with_the_client_title_and_the_response_with_the_meters() throws Exception {
        List<DecodedFrame> frames = decode(rx("associate AARQ", wrapped(AARE)),
                tx("GET 1-0:1.8.1.255/2", wrapped(glo("C8", CLIENT, 41, "C001C1" + "0003" + "0100010801FF" + "02" + "00"))),
                rx("GET 1-0:1.8.1.255/2", wrapped(glo("CC", METER, 42, "C401C1" + "00" + "0600000457"))));
        DecodedFrame request = frames.get(1), response = frames.get(2);
        assertThat(request.pdu()).isEqualTo("get-request-normal");
        assertThat(request.invoke()).isEqualTo(new DecodedFrame.Invoke(1, "high", "confirmed"));
        assertThat(request.descriptors()).containsExactly(new DecodedFrame.Descriptor("attribute", 3, "register", "1-0:1.8.1.255", 2, null));
        assertThat(response.pdu()).isEqualTo("get-response-normal");
        assertThat(response.ciphering().envelope()).isEqualTo("glo-get-response");
        assertThat(response.results()).containsExactly(new DecodedFrame.Result("success", DataValue.of("double-long-unsigned", 1111L)));
        assertThat(TraceText.format(frames.subList(1, 3))).isEqualTo(
                "10:15:30.250 TX [GET 1-0:1.8.1.255/2] get-request-normal, invoke 1 high confirmed — glo-get-request: "
                + "authenticated-and-encrypted, suite 0, ic 41, system title 4F48450000000001 (OHE) — wrapper 1→1\n"
                + "    3/1-0:1.8.1.255/2 (register)\n"
                + "10:15:30.250 RX [GET 1-0:1.8.1.255/2] get-response-normal, invoke 1 high confirmed — glo-get-response: "
                + "authenticated-and-encrypted, suite 0, ic 42, system title 4F48530100000001 (OHS) — wrapper 1→1\n"
                + "    success: double-long-unsigned 1111\n");
    }

    @Test
    void a_frame_with_a_wrong_tag_says_it_cannot_be_deciphered() throws Exception {
        String good = glo("CC", METER, 42, "C401C1000600000457");
        String damaged = good.substring(0, good.length() - 2) + (good.endsWith("00") ? "01" : "00");
        List<DecodedFrame> frames = decode(rx("associate AARQ", wrapped(AARE)), rx("GET 1-0:1.8.1.255/2", wrapped(damaged)));
        DecodedFrame f = frames.get(1);
        assertThat(f.pdu()).isEqualTo("glo-get-response");
        assertThat(f.ciphering().invocationCounter()).isEqualTo(42);
        assertThat(f.problem()).isEqualTo("cannot decipher: the tag does not verify (other keys, another system title, or damaged)");
        assertThat(f.hex()).isEqualTo(wrapped(damaged));
        assertThat(TraceText.format(List.of(f))).contains("    ! cannot decipher: the tag does not verify", "    hex " + wrapped(damaged));
    }

    @Test
    void other_keys_cannot_decipher_either() throws Exception {
        var other = new TraceDecoder(Transport.WRAPPER, AK, EK, CLIENT);
        DecodedFrame f = other.decode(List.of(rx("x", wrapped(AARE)), rx("x", wrapped(glo("CC", METER, 1, "C401C1000600000457"))))).get(1);
        assertThat(f.problem()).startsWith("cannot decipher: the tag does not verify");
    }

    @Test
    void a_ciphered_reply_before_any_aare_says_the_meters_title_is_unknown() throws Exception {
        DecodedFrame f = decode(rx("x", wrapped(glo("CC", METER, 1, "C401C1000600000457")))).get(0);
        assertThat(f.problem()).isEqualTo("cannot decipher: the sender's system title is not known (no AARE with a responding-AP-title in this trace)");
    }

    @Test
    void without_keys_a_ciphered_frame_is_named_and_left_ciphered() throws Exception {
        var keyless = new TraceDecoder(Transport.WRAPPER, null, null, null);
        DecodedFrame f = keyless.decode(List.of(rx("x", wrapped(AARE)), rx("x", wrapped(glo("CC", METER, 5, "C401C1000600000457"))))).get(1);
        assertThat(f.pdu()).isEqualTo("glo-get-response");
        assertThat(f.ciphering().invocationCounter()).isEqualTo(5);
        assertThat(f.problem()).isEqualTo("cannot decipher: no encryption key was given");
    }

    @Test
    void names_data_access_results() {
        String request = "C003C2" + "0003" + "0100010801FF" + "02" + "00" + "0003" + "0100630201FF" + "02" + "00";
        List<DecodedFrame> frames = decode(tx("GET", wrapped("C003C102" + request.substring(6))),
                rx("GET", wrapped("C403C102" + "0104" + "0103")));
        assertThat(frames.get(1).pdu()).isEqualTo("get-response-with-list");
        assertThat(frames.get(1).results()).extracting(DecodedFrame.Result::outcome).containsExactly("object-undefined", "read-write-denied");
    }

    @Test
    void decodes_selective_access_by_entry() {
        // profile 1-0:99.2.0.255 attribute 2, selector 2: entries 1 to 10, all columns
        String get = "C001C1" + "0007" + "0100630200FF" + "02" + "01" + "02"
                + "0204" + "0600000001" + "060000000A" + "120001" + "120000";
        DecodedFrame f = decode(tx("GET", wrapped(get))).get(0);
        var s = f.descriptors().get(0).selection();
        assertThat(s.kind()).isEqualTo("entry");
        assertThat(s.from()).isEqualTo(DataValue.of("double-long-unsigned", 1L));
        assertThat(s.to()).isEqualTo(DataValue.of("double-long-unsigned", 10L));
        assertThat(s.columns()).isEqualTo("all");
        assertThat(TraceText.format(List.of(f))).contains("7/1-0:99.2.0.255/2 (profile-generic) by entry from 1 to 10, columns all");
    }

    @Test
    void shows_date_times_with_their_offset_and_wildcards() {
        String dates = "C401C100" + "0203" + "090C07EA0B14050B0F1E00FFC400" + "090CFFFFFFFFFF000000FF8000FF" + "19" + "07EA0B1405000000008000FF";
        DataValue v = decode(rx("GET", wrapped(dates))).get(0).results().get(0).data();
        assertThat(v.elements()).extracting(DataValue::meaning).containsExactly("2026-11-20T11:15:30+01:00", "*-*-*T00:00:00", "2026-11-20T00:00:00");
    }

    @Test
    void decodes_a_compact_array_row_by_row() {
        String compact = "C401C100" + "13" + "0202" + "1112" + "06" + "010001" + "020002";
        DataValue v = decode(rx("GET", wrapped(compact))).get(0).results().get(0).data();
        assertThat(TraceText.oneLine(v)).isEqualTo("compact-array {structure {unsigned 1, long-unsigned 1}, structure {unsigned 2, long-unsigned 2}}");
    }

    @Test
    void decodes_a_data_notification() {
        String push = "0F" + "40000001" + "0C07EA0B14050B0F1E00FFC400" + "0202" + "090C07EA0B14050B0F1E00FFC400" + "0600000010";
        DecodedFrame f = decode(rx("unsolicited", wrapped(push))).get(0);
        assertThat(f.pdu()).isEqualTo("data-notification");
        assertThat(f.invoke()).isEqualTo(new DecodedFrame.Invoke(1, "normal", "confirmed"));
        assertThat(f.values()).hasSize(2);
        assertThat(f.values().get(0).meaning()).isEqualTo("2026-11-20T11:15:30+01:00");
    }

    @Test
    void puts_a_general_block_transfer_together_before_decoding_it() {
        String apdu = "C401C1000600000457";
        List<DecodedFrame> frames = decode(rx("GET", wrapped("E0" + "00" + "0001" + "0000" + "04" + apdu.substring(0, 8))),
                rx("GET", wrapped("E0" + "80" + "0002" + "0000" + "05" + apdu.substring(8))));
        assertThat(frames.get(0).pdu()).isEqualTo("general-block-transfer");
        assertThat(frames.get(0).block()).isEqualTo(new DecodedFrame.Block(1, false, 4));
        assertThat(frames.get(1).pdu()).isEqualTo("get-response-normal");
        assertThat(frames.get(1).block()).isEqualTo(new DecodedFrame.Block(2, true, 5));
        assertThat(frames.get(1).results().get(0).data().value()).isEqualTo(1111L);
    }

    @Test
    void masks_an_lls_password_even_when_the_recorder_did_not() {
        String aarq = "6036A109060760857405080101" + "8A0207808B0760857405080201" + "AC0A80083132333435363738"
                + "BE10040E01000000065F1F0400001E1DFFFF";
        List<DecodedFrame> frames = decode(tx("associate AARQ", wrapped(aarq)));
        DecodedFrame f = frames.get(0);
        assertThat(f.association().mechanism()).isEqualTo("low");
        assertThat(f.association().authenticationValue()).isEqualTo("***(8 bytes)");
        assertThat(f.association().initiate().conformance()).containsExactly("block-transfer-with-get-or-read",
                "block-transfer-with-set-or-write", "block-transfer-with-action", "multiple-references", "get", "set",
                "selective-access", "action");
        String all = TraceText.format(frames, true) + StrictJson.write(TraceJson.toMaps(frames));
        assertThat(all).doesNotContain("31 32 33 34").doesNotContain("31323334").doesNotContain("12345678");
        assertThat(f.hex()).contains("AC 0A ** ** ** ** ** ** ** ** ** ** BE 10");
    }

    @Test
    void masks_a_plaintext_hls_exchange_in_the_hex_too() {
        String challenge = "A1A2A3A4A5A6A7A8A9AAABACADAEAFB0";
        List<DecodedFrame> frames = decode(tx("associate HLS pass 3", wrapped("C301C1" + "000F" + "0000280000FF" + "01" + "01" + "0910" + challenge)),
                rx("associate HLS pass 3", wrapped("C701C1" + "00" + "01" + "00" + "0910" + "B1B2B3B4B5B6B7B8B9BABBBCBDBEBFC0")));
        assertThat(frames.get(0).values()).containsExactly(DataValue.of("octet-string", "***(16 bytes)"));
        assertThat(frames.get(1).results()).containsExactly(new DecodedFrame.Result("success", DataValue.of("octet-string", "***(16 bytes)")));
        String all = TraceText.format(frames, true) + StrictJson.write(TraceJson.toMaps(frames));
        assertThat(all).doesNotContain("A1 A2 A3").doesNotContain("A5A6A7").doesNotContain("B1 B2 B3").doesNotContain("B9BABB");
        assertThat(frames.get(0).hex()).endsWith("09 10 " + "** ".repeat(16).trim());
    }

    @Test
    void a_secret_seen_once_is_masked_wherever_it_appears_again() {
        // the password of an AARQ, then the same bytes in a later plaintext frame
        String aarq = "6020A109060760857405080101" + "8B0760857405080201" + "AC0A80083132333435363738";
        List<DecodedFrame> frames = decode(tx("associate AARQ", wrapped(aarq)), rx("GET", wrapped("C401C100" + "09083132333435363738")));
        assertThat(frames.get(1).hex()).endsWith("09 08 ** ** ** ** ** ** ** **");
    }

    @Test
    void an_aarq_masked_by_the_recorder_still_shows_the_length_of_its_secret() {
        String recorded = wrapped("6020A109060760857405080101" + "8B0760857405080201" + "AC0A80083132333435363738")
                .replace("80 08 31 32 33 34 35 36 37 38", "** ** ** ** ** ** ** ** ** **");
        DecodedFrame f = decode(tx("associate AARQ", recorded)).get(0);
        assertThat(f.problem()).isNull();
        assertThat(f.association().authenticationValue()).isEqualTo("***(8 bytes)");
        assertThat(f.hex()).isEqualTo(recorded);
    }

    @Test
    void ciphered_content_masked_when_recorded_is_named_as_such() throws Exception {
        String recorded = wrapped(glo("CC", METER, 3, "C401C1000600000457"));
        recorded = recorded.substring(0, recorded.length() - 5) + "** **"; // the last two bytes of the tag
        DecodedFrame f = decode(rx("associate AARQ", wrapped(AARE)), rx("GET", recorded)).get(1);
        assertThat(f.problem()).isEqualTo("cannot decipher: bytes of the ciphered content were masked when the trace was recorded");
    }

    @Test
    void a_damaged_secret_is_masked_to_the_end_of_the_frame() {
        // pass 3 in plaintext whose octet string claims more bytes than the frame has; an AARE likewise
        String pass3 = "C301C1" + "000F" + "0000280000FF" + "01" + "01" + "0920" + "A1A2A3A4A5A6A7A8A9AAABACADAEAFB0";
        String aare = "6110" + "AA1280" + "10" + "B1B2B3B4B5B6B7B8B9BABBBC";
        List<DecodedFrame> frames = decode(tx("associate HLS pass 3", wrapped(pass3)), rx("associate AARQ", wrapped(aare)));
        assertThat(frames).extracting(DecodedFrame::problem).allMatch(p -> p.startsWith("cannot decode"));
        assertThat(frames.get(0).hex()).endsWith("01 01 " + "** ".repeat(18).trim()); // from its type on
        assertThat(frames.get(1).hex()).endsWith("AA 12 " + "** ".repeat(14).trim());
    }
}
