package org.openhes.headend.protocol.apdu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Exception-responses, in plaintext and in the ciphered forms meters send, become the typed refusal. */
class ExceptionResponseTest {
    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    private static ReplyGuard ciphered() {
        return new ReplyGuard(false, new ReplyGuard.Keys(ReplyGuardTest.EK, ReplyGuardTest.AK, () -> ReplyGuardTest.METER_TITLE), () -> false);
    }

    private static byte[] cipheredUnderTag(int tag, byte[] plain, byte[] ek) throws Exception {
        byte[] content = TestCiphering.cipheredContent(ReplyGuardTest.METER_TITLE, ek, ReplyGuardTest.AK, 77, plain);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        out.write(content.length);
        out.write(content);
        return out.toByteArray();
    }

    private static ExceptionResponse refusal(ReplyGuard guard, byte[] apdu) {
        try {
            guard.inspect(ReplyGuardTest.wrapper(apdu));
        } catch (ExceptionResponse r) {
            return r;
        }
        throw new AssertionError("no exception-response raised");
    }

    @Test
    void a_plaintext_exception_response_names_its_state_and_service_errors() {
        ExceptionResponse r = refusal(new ReplyGuard(false, null, () -> false), hex("D8 01 02"));
        assertThat(r.state()).isEqualTo(ExceptionResponse.StateError.SERVICE_NOT_ALLOWED);
        assertThat(r.service()).isEqualTo(ExceptionResponse.ServiceError.SERVICE_NOT_SUPPORTED);
        assertThat(r.ciphered()).isFalse();
        assertThat(r.getMessage()).isEqualTo("exception-response service-not-allowed, service-not-supported");
    }

    @Test
    void a_plaintext_exception_response_is_accepted_inside_a_ciphered_association() {
        assertThat(refusal(ciphered(), hex("D8 02 01")).describe()).isEqualTo("service-unknown, operation-not-possible");
    }

    @Test
    void an_invocation_counter_error_carries_the_counter_the_meter_expects() {
        ExceptionResponse r = refusal(ciphered(), hex("D8 01 06 00 00 01 F4"));
        assertThat(r.service()).isEqualTo(ExceptionResponse.ServiceError.INVOCATION_COUNTER_ERROR);
        assertThat(r.meterCounter()).isEqualTo(500);
    }

    @Test
    void a_ciphered_exception_response_under_tag_d8_is_deciphered() throws Exception {
        ExceptionResponse r = refusal(ciphered(), cipheredUnderTag(0xD8, hex("D8 01 01"), ReplyGuardTest.EK));
        assertThat(r.ciphered()).isTrue();
        assertThat(r.describe()).isEqualTo("service-not-allowed, operation-not-possible");
    }

    @Test
    void jdlms_form_under_tag_e0_with_a_security_header_is_deciphered() throws Exception {
        ExceptionResponse r = refusal(ciphered(), cipheredUnderTag(0xE0, hex("D8 01 05"), ReplyGuardTest.EK));
        assertThat(r.service()).isEqualTo(ExceptionResponse.ServiceError.DECIPHERING_ERROR);
    }

    @Test
    void unknown_codes_are_named_by_number_not_dropped() {
        assertThat(refusal(new ReplyGuard(false, null, () -> false), hex("D8 09 63")).describe()).isEqualTo("code 9, code 99");
    }

    @Test
    void a_ciphered_exception_response_that_does_not_authenticate_is_refused_as_damaged() throws Exception {
        byte[] otherKey = hex("FF0102030405060708090A0B0C0D0E0F");
        assertThatThrownBy(() -> ciphered().inspect(ReplyGuardTest.wrapper(cipheredUnderTag(0xD8, hex("D8 01 01"), otherKey))))
                .isInstanceOfSatisfying(MalformedApdu.class, m -> assertThat(m.notAuthentic()).isTrue());
    }

    @Test
    void general_block_transfer_holding_anything_else_is_still_refused() throws Exception {
        assertThatThrownBy(() -> ciphered().inspect(ReplyGuardTest.wrapper(cipheredUnderTag(0xE0, hex("C4 01 C1 00 11 01"), ReplyGuardTest.EK))))
                .isInstanceOf(MalformedApdu.class).hasMessageContaining("general block transfer");
        assertThatThrownBy(() -> ciphered().inspect(ReplyGuardTest.wrapper(hex("D8 01"))))
                .isInstanceOf(MalformedApdu.class).hasMessageContaining("exception-response of 2 bytes");
    }
}
