package org.openhes.headend.simulator;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.nio.ByteOrder;

/**
 * Splits the byte stream into whole frames before they reach Gurux: its server forgets whatever
 * follows the first complete frame in a buffer, so coalesced frames must be cut apart here.
 */
final class MeterFrameDecoders {
    static final int MAX_FRAME = 8 + 4096;

    private MeterFrameDecoders() {
    }

    /** Wrapper: version(2) source(2) destination(2) length(2) APDU. */
    static LengthFieldBasedFrameDecoder wrapper() {
        return new LengthFieldBasedFrameDecoder(MAX_FRAME, 6, 2, 0, 0);
    }

    /** HDLC: flag, then a format field whose low 11 bits are the frame length without the flags. */
    static LengthFieldBasedFrameDecoder hdlc() {
        return new LengthFieldBasedFrameDecoder(MAX_FRAME, 1, 2, -1, 0) {
            @Override
            protected long getUnadjustedFrameLength(ByteBuf buf, int offset, int length, ByteOrder order) {
                return buf.getUnsignedShort(offset) & 0x07FF;
            }
        };
    }
}
