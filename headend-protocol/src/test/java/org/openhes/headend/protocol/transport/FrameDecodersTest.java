package org.openhes.headend.protocol.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Byte-exact framing on an EmbeddedChannel: split, coalesced, oversized and broken frames. */
class FrameDecodersTest {
    static final HexFormat HEX = HexFormat.of().withUpperCase();
    // wrapper: version 1, source wPort 0x0010, destination 0x0001, length 5, then the APDU
    static final byte[] WRAPPER = HEX.parseHex("000100100001000560036F0101");
    // HDLC UA-like frame: 7E A0 07 03 21 73 F5 64 7E (length 7 = format..FCS)
    static final byte[] HDLC = HEX.parseHex("7EA00703217300647E");

    static String read(EmbeddedChannel ch) {
        ByteBuf b = ch.readInbound();
        try {
            return b == null ? null : HEX.formatHex(ByteBufUtil.getBytes(b));
        } finally {
            if (b != null) b.release();
        }
    }

    @Test
    void wrapperFramesAreCutAtTheirLengthWhateverTheSegmentation() {
        EmbeddedChannel ch = new EmbeddedChannel(FrameDecoders.wrapper(64));
        byte[] two = new byte[WRAPPER.length * 2];
        System.arraycopy(WRAPPER, 0, two, 0, WRAPPER.length);
        System.arraycopy(WRAPPER, 0, two, WRAPPER.length, WRAPPER.length);
        ch.writeInbound(Unpooled.wrappedBuffer(two, 0, 3));
        assertThat(read(ch)).isNull();
        ch.writeInbound(Unpooled.wrappedBuffer(two, 3, two.length - 3));
        assertThat(read(ch)).isEqualTo(HEX.formatHex(WRAPPER));
        assertThat(read(ch)).isEqualTo(HEX.formatHex(WRAPPER));
        assertThat(read(ch)).isNull();
        ch.finishAndReleaseAll();
    }

    @Test
    void anOversizedWrapperFrameNamesTheLimit() {
        EmbeddedChannel ch = new EmbeddedChannel(FrameDecoders.wrapper(64));
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(HEX.parseHex("0001001000010100"))))
                .isInstanceOf(TooLongFrameException.class).hasMessageContaining("264 bytes exceeds the limit of 64 bytes");
        ch.finishAndReleaseAll();
    }

    @Test
    void aWrongWrapperVersionIsBrokenFraming() {
        EmbeddedChannel ch = new EmbeddedChannel(FrameDecoders.wrapper(64));
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(HEX.parseHex("0002001000010000"))))
                .isInstanceOf(CorruptedFrameException.class).hasMessageContaining("version 2");
        ch.finishAndReleaseAll();
    }

    @Test
    void hdlcFramesAreCutByTheirFormatField() {
        EmbeddedChannel ch = new EmbeddedChannel(FrameDecoders.hdlc(2050));
        ch.writeInbound(Unpooled.wrappedBuffer(HDLC, 0, 4));
        assertThat(read(ch)).isNull();
        ch.writeInbound(Unpooled.wrappedBuffer(HDLC, 4, HDLC.length - 4));
        assertThat(read(ch)).isEqualTo(HEX.formatHex(HDLC));
        ch.finishAndReleaseAll();
    }

    @Test
    void brokenHdlcFramingIsRefused() {
        EmbeddedChannel noFlag = new EmbeddedChannel(FrameDecoders.hdlc(2050));
        assertThatThrownBy(() -> noFlag.writeInbound(Unpooled.wrappedBuffer(HEX.parseHex("41A00703"))))
                .isInstanceOf(CorruptedFrameException.class).hasMessageContaining("7E flag");
        EmbeddedChannel badEnd = new EmbeddedChannel(FrameDecoders.hdlc(2050));
        assertThatThrownBy(() -> badEnd.writeInbound(Unpooled.wrappedBuffer(HEX.parseHex("7EA00703217300640F"))))
                .isInstanceOf(CorruptedFrameException.class).hasMessageContaining("does not end");
        EmbeddedChannel tooLong = new EmbeddedChannel(FrameDecoders.hdlc(32));
        assertThatThrownBy(() -> tooLong.writeInbound(Unpooled.wrappedBuffer(HEX.parseHex("7EA7FF"))))
                .isInstanceOf(TooLongFrameException.class).hasMessageContaining("limit of 32 bytes");
        noFlag.finishAndReleaseAll();
        badEnd.finishAndReleaseAll();
        tooLong.finishAndReleaseAll();
    }

    @Test
    void tracesNameThePdu() {
        assertThat(WireTrace.describe(HEX.parseHex("0001001000010005C001C10003"))).isEqualTo("get-request");
        assertThat(WireTrace.describe(HEX.parseHex("000100010010000461036F01"))).isEqualTo("AARE");
        assertThat(WireTrace.describe(HEX.parseHex("7EA00802210393BF327E"))).isEqualTo("HDLC SNRM");
        assertThat(WireTrace.describe(HEX.parseHex("7EA01A0221103254E6E600C8"))).isEqualTo("glo-get-request");
    }

}
