package org.openhes.headend.protocol.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.util.List;

/**
 * Bounded frame decoders for the two DLMS transports. Each turns the TCP byte stream into whole frames
 * (header and all, as Gurux expects them); a frame above the limit or broken framing raises an
 * exception naming the limit, and the session fails with a malformed-response error.
 */
public final class FrameDecoders {
    private FrameDecoders() {
    }

    /** IEC 62056-47 wrapper: version(2)=1, source wPort(2), destination wPort(2), length(2), APDU. */
    public static ByteToMessageDecoder wrapper(int maxFrameBytes) {
        return new WrapperDecoder(maxFrameBytes);
    }

    /** HDLC (IEC 62056-46) over TCP: 7E, frame format A0xx with an 11-bit length, ..., 7E. */
    public static ByteToMessageDecoder hdlc(int maxFrameBytes) {
        return new HdlcDecoder(maxFrameBytes);
    }

    static final class WrapperDecoder extends ByteToMessageDecoder {
        static final int HEADER = 8;
        private final int max;

        WrapperDecoder(int max) {
            this.max = max;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            while (in.readableBytes() >= HEADER) {
                int start = in.readerIndex();
                int version = in.getUnsignedShort(start);
                if (version != 1) {
                    in.skipBytes(in.readableBytes());
                    throw new CorruptedFrameException("wrapper version " + version + " is not 1: the stream is not DLMS wrapper framing");
                }
                int length = HEADER + in.getUnsignedShort(start + 6);
                if (length > max) {
                    in.skipBytes(in.readableBytes());
                    throw new TooLongFrameException("wrapper frame of " + length + " bytes exceeds the limit of " + max
                            + " bytes (max frame size)");
                }
                if (in.readableBytes() < length) return;
                out.add(in.readRetainedSlice(length));
            }
        }
    }

    static final class HdlcDecoder extends ByteToMessageDecoder {
        static final int FLAG = 0x7E;
        private final int max;

        HdlcDecoder(int max) {
            this.max = max;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            while (in.isReadable()) {
                int start = in.readerIndex();
                if (in.getUnsignedByte(start) != FLAG) {
                    in.skipBytes(in.readableBytes());
                    throw new CorruptedFrameException("HDLC frame does not start with the 7E flag");
                }
                if (in.readableBytes() < 3) return;
                int format = in.getUnsignedShort(start + 1);
                if (format == (FLAG << 8 | FLAG) || (format & 0xF000) != 0xA000) {
                    in.skipBytes(in.readableBytes());
                    throw new CorruptedFrameException(String.format("HDLC frame format %04X is not type 3 (A0xx)", format));
                }
                int length = (format & 0x07FF) + 2; // the length field excludes the two flags
                if (length > max) {
                    in.skipBytes(in.readableBytes());
                    throw new TooLongFrameException("HDLC frame of " + length + " bytes exceeds the limit of " + max
                            + " bytes (max frame size)");
                }
                if (in.readableBytes() < length) return;
                if (in.getUnsignedByte(start + length - 1) != FLAG) {
                    in.skipBytes(in.readableBytes());
                    throw new CorruptedFrameException("HDLC frame of " + length + " bytes does not end with the 7E flag");
                }
                out.add(in.readRetainedSlice(length));
            }
        }
    }
}
