package org.openhes.headend.protocol.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The recorder masks an AARQ's calling-authentication-value, and nothing else. */
class TraceRecordingMaskTest {
    private static final HexFormat HEX = HexFormat.of();
    /** AARQ, LLS: context LN, mechanism low, calling-authentication-value "12345678", user-information. */
    private static final String AARQ = "6036A109060760857405080101" + "8A0207808B0760857405080201" + "AC0A80083132333435363738"
            + "BE10040E01000000065F1F0400001E1DFFFF";

    private static String recorded(String direction, String hex) {
        WireTrace t = new WireTrace(Clock.systemUTC(), 10);
        t.add(direction, "associate AARQ", HEX.parseHex(hex));
        return t.entries().get(0).hex();
    }

    @Test
    void the_password_of_a_wrapped_aarq_is_masked() {
        String hex = recorded("TX", "00010010000100" + "38" + AARQ);
        assertThat(hex).contains("AC 0A ** ** ** ** ** ** ** ** ** ** BE 10").doesNotContain("31 32 33");
    }

    @Test
    void the_password_of_an_hdlc_aarq_is_masked_even_when_its_header_check_sequence_holds_AC() {
        // 7E, format, server 1/17, client 16, I-frame control, HCS (AC AC, not checked by the recorder), LLC
        String hex = recorded("TX", "7EA04702232110ACACE6E600" + AARQ + "00007E");
        assertThat(hex).startsWith("7E A0 47 02 23 21 10 AC AC E6 E6 00 60 36")
                .contains("AC 0A ** ** ** ** ** ** ** ** ** ** BE 10").doesNotContain("31 32 33");
    }

    @Test
    void an_AC_byte_inside_a_ciphered_frame_is_left_as_it_is() {
        String glo = "0001000100010013" + "CB11" + "3000000002" + "AC0A0102030405060708090A0B";
        assertThat(recorded("TX", glo)).isEqualTo(HexFormat.ofDelimiter(" ").withUpperCase().formatHex(HEX.parseHex(glo)));
    }

    @Test
    void replies_are_recorded_as_they_are() {
        String aare = "000100010001000C" + "610AAA0880063132333435";
        assertThat(recorded("RX", aare)).doesNotContain("**");
    }
}
