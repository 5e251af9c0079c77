package org.openhes.headend.protocol.apdu;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ReplyGuardTest {
    static final byte[] EK = HexFormat.of().parseHex("000102030405060708090A0B0C0D0E0F");
    static final byte[] AK = HexFormat.of().parseHex("D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF");
    static final byte[] METER_TITLE = HexFormat.of().parseHex("4F48450000000099");
    /** get-response-normal whose data is a compact array of zero-width rows. */
    static final String LOOPING_DATA = "13 02 00 0C 00 00 00 00 00 00 00 00 00 00 00 00";

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    static byte[] wrapper(byte[] apdu) {
        byte[] f = new byte[8 + apdu.length];
        f[1] = 1;
        f[3] = 1;
        f[5] = 1;
        f[6] = (byte) (apdu.length >> 8);
        f[7] = (byte) apdu.length;
        System.arraycopy(apdu, 0, f, 8, apdu.length);
        return f;
    }

    /** glo-get-response (0xCC) with authenticated encryption, suite 0, as a meter builds it. */
    static byte[] glo(byte[] plain, byte[] ek, int counter) throws Exception {
        byte[] content = TestCiphering.cipheredContent(METER_TITLE, ek, AK, counter, plain);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xCC);
        out.write(content.length);
        out.write(content);
        return out.toByteArray();
    }

    private static ReplyGuard plain() {
        return new ReplyGuard(false, null, () -> false);
    }

    private static ReplyGuard ciphered() {
        return new ReplyGuard(false, new ReplyGuard.Keys(EK, AK, () -> METER_TITLE), () -> false);
    }

    @Test
    void plaintextRepliesAreCheckedBeforeTheCodec() {
        assertThatCode(() -> plain().inspect(wrapper(hex("C4 01 C1 00 06 00000457")))).doesNotThrowAnyException();
        assertThatThrownBy(() -> plain().inspect(wrapper(hex("C4 01 C1 00 " + LOOPING_DATA))))
                .isInstanceOf(MalformedApdu.class).hasMessageContaining("zero bytes wide");
        // with-list: a count the reply cannot hold, then one bad element among good ones
        assertThatThrownBy(() -> plain().inspect(wrapper(hex("C4 03 C1 84 7FFFFFFF 00 11 01"))))
                .hasMessageContaining("list of 2147483647 results");
        assertThatThrownBy(() -> plain().inspect(wrapper(hex("C4 03 C1 02 00 11 01 00 " + LOOPING_DATA))))
                .hasMessageContaining("zero bytes wide");
        // action return parameters, read by the codec when the flag/choice byte is 00 or 01 00
        assertThatThrownBy(() -> plain().inspect(wrapper(hex("C7 01 C1 00 01 00 " + LOOPING_DATA))))
                .hasMessageContaining("zero bytes wide");
        assertThatCode(() -> plain().inspect(wrapper(hex("C7 01 C1 00 00")))).doesNotThrowAnyException();
    }

    @Test
    void dataSplitOverBlocksIsCheckedWhenTheLastBlockArrives() {
        ReplyGuard g = plain();
        byte[] data = hex(LOOPING_DATA);
        String first = HexFormat.of().formatHex(data, 0, 8), second = HexFormat.of().formatHex(data, 8, data.length);
        assertThatCode(() -> g.inspect(wrapper(hex("C4 02 C1 00 00000001 00 08" + first)))).doesNotThrowAnyException();
        assertThatThrownBy(() -> g.inspect(wrapper(hex("C4 02 C1 01 00000002 00 08" + second))))
                .hasMessageContaining("zero bytes wide");
        // and a good value split in two passes
        ReplyGuard ok = plain();
        ok.inspect(wrapper(hex("C4 02 C1 00 00000001 00 03 06 0000")));
        assertThatCode(() -> ok.inspect(wrapper(hex("C4 02 C1 01 00000002 00 02 0457")))).doesNotThrowAnyException();
    }

    @Test
    void hdlcSegmentsArePutBackTogether() {
        ReplyGuard g = new ReplyGuard(true, null, () -> false);
        byte[] apdu = hex("E6 E7 00 C4 01 C1 00 " + LOOPING_DATA);
        byte[] a = java.util.Arrays.copyOfRange(apdu, 0, 10), b = java.util.Arrays.copyOfRange(apdu, 10, apdu.length);
        assertThatCode(() -> g.inspect(hdlc(a, true))).doesNotThrowAnyException();
        assertThatThrownBy(() -> g.inspect(hdlc(b, false))).hasMessageContaining("zero bytes wide");
    }

    /** An I-frame (FCS and HCS not computed: the guard does not check them, the codec does). */
    static byte[] hdlc(byte[] info, boolean segmented) {
        int length = 2 + 1 + 1 + 1 + 2 + info.length + 2;
        byte[] f = new byte[length + 2];
        f[0] = 0x7E;
        f[1] = (byte) (0xA0 | (segmented ? 0x08 : 0) | (length >> 8));
        f[2] = (byte) length;
        f[3] = 0x03; // client address 1
        f[4] = 0x23; // server address 17
        f[5] = 0x10; // I-frame
        System.arraycopy(info, 0, f, 8, info.length);
        f[f.length - 1] = 0x7E;
        return f;
    }

    @Test
    void cipheredRepliesAreDecipheredAndChecked() throws Exception {
        assertThatCode(() -> ciphered().inspect(wrapper(glo(hex("C4 01 C1 00 06 00000457"), EK, 7))))
                .doesNotThrowAnyException();
        // a meter whose keys were extracted still cannot make the codec loop
        assertThatThrownBy(() -> ciphered().inspect(wrapper(glo(hex("C4 01 C1 00 " + LOOPING_DATA), EK, 8))))
                .hasMessageContaining("zero bytes wide");
        // the codec would accept a plaintext answer in a ciphered association; the guard does not
        assertThatThrownBy(() -> ciphered().inspect(wrapper(hex("C4 01 C1 00 06 00000457"))))
                .hasMessageContaining("plaintext reply (tag 0xC4) in a ciphered association");
        byte[] otherKey = EK.clone();
        otherKey[0] ^= 1;
        assertThatThrownBy(() -> ciphered().inspect(wrapper(glo(hex("C4 01 C1 00 06 00000457"), otherKey, 9))))
                .hasMessageContaining("does not authenticate")
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((MalformedApdu) e).notAuthentic()).isTrue());
        byte[] authOnly = glo(hex("C4 01 C1 00 06 00000457"), EK, 10);
        authOnly[2] = 0x10;
        assertThatThrownBy(() -> ciphered().inspect(wrapper(authOnly))).hasMessageContaining("security control 0x10");
        assertThatThrownBy(() -> plain().inspect(wrapper(glo(hex("C4 01 C1 00 06 00000457"), EK, 11))))
                .hasMessageContaining("ciphered reply (tag 0xCC) in a plaintext association");
    }

    @Test
    void formsNeverNegotiatedAreRefusedByName() {
        assertThatThrownBy(() -> plain().inspect(wrapper(hex("E0 00 00 01 00 00 00")))).hasMessageContaining("general block transfer");
        assertThatThrownBy(() -> plain().inspect(wrapper(hex("0F 00000001 00 " + LOOPING_DATA)))).hasMessageContaining("notification");
        assertThatThrownBy(() -> plain().inspect(wrapper(hex("C7 02 C1 00")))).hasMessageContaining("action-response of type 2");
        assertThatThrownBy(() -> plain().inspect(wrapper(hex("42 00")))).hasMessageContaining("unexpected APDU tag 0x42");
    }

    @Test
    void aReplyThatNeverEndsIsCut() {
        ReplyGuard g = plain();
        byte[] block = new byte[60_000];
        String chunk = "C4 02 C1 00 %08X 00 82 EA60";
        assertThatThrownBy(() -> {
            for (int i = 1; i < 100; i++) {
                byte[] head = hex(String.format(chunk, i));
                byte[] apdu = java.util.Arrays.copyOf(head, head.length + block.length);
                g.inspect(wrapper(apdu));
            }
        }).hasMessageContaining("reply longer than 1048576 bytes");
    }
}
