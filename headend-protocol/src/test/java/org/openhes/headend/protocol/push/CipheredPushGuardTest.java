package org.openhes.headend.protocol.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.openhes.headend.protocol.apdu.MalformedApdu;

/**
 * A push that authenticates (its sender holds the keys, e.g. extracted from a meter) but carries a
 * compact array of zero-width rows: refused before Gurux parses it; a well-formed one decodes.
 */
class CipheredPushGuardTest {
    static final byte[] EK = HexFormat.of().parseHex("000102030405060708090A0B0C0D0E0F");
    static final byte[] AK = HexFormat.of().parseHex("D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF");
    static final String TITLE = "4F48450000000099";

    static byte[] push(String notificationHex, int counter) throws Exception {
        byte[] title = HexFormat.of().parseHex(TITLE);
        byte[] content = org.openhes.headend.protocol.apdu.TestCiphering.cipheredContent(title, EK, AK, counter,
                HexFormat.of().parseHex(notificationHex));
        ByteArrayOutputStream apdu = new ByteArrayOutputStream();
        apdu.write(0xDB);
        apdu.write(8);
        apdu.write(title);
        apdu.write(content.length);
        apdu.write(content);
        return org.openhes.headend.protocol.fuzz.ReplyFuzzTest.frame(apdu.toByteArray());
    }

    @Test
    void anAuthenticatedPushWithLoopingDataIsRefused() throws Exception {
        var keys = new PushListener.PushKeys("541448800000000017", EK, AK);
        byte[] looping = push("0F 00000001 00 1302000C000000000000000000000000".replace(" ", ""), 1);
        assertThat(PushListener.systemTitleOf(looping)).isNotNull();
        assertThatThrownBy(() -> PushListener.decodeFrame(looping, TITLE, keys, Instant.EPOCH))
                .isInstanceOf(MalformedApdu.class).hasMessageContaining("zero bytes wide");

        byte[] fine = push("0F 00000002 00 0202 0600000457 1100".replace(" ", ""), 2);
        PushListener.PushEvent event = PushListener.decodeFrame(fine, TITLE, keys, Instant.EPOCH);
        assertThat(event).isNotNull();
        assertThat(event.values()).hasSize(2);
    }
}
