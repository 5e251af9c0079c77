package org.openhes.headend.protocol.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.util.concurrent.CompletableFuture;
import org.openhes.headend.protocol.MeterException;
import org.openhes.headend.protocol.session.SessionOnEmbeddedChannel;
import org.openhes.headend.protocol.transport.FrameDecoders;

/**
 * Fuzzing of everything that parses bytes from the network. Under {@code mvn verify} each target runs
 * its regression inputs (src/test/resources/.../*Inputs); with {@code JAZZER_FUZZ=1} Jazzer explores
 * new ones, coverage-guided (see the README's Tests section).
 */
class ReplyFuzzTest {
    /** The wrapper decoder never throws anything but a decoder error and never emits a frame above the limit. */
    @FuzzTest(maxDuration = "10s")
    void wrapperDecoder(byte[] input) {
        EmbeddedChannel ch = new EmbeddedChannel(FrameDecoders.wrapper(512));
        try {
            ch.writeInbound(Unpooled.wrappedBuffer(input));
        } catch (DecoderException expected) {
            return;
        } finally {
            Object o;
            while ((o = ch.readInbound()) != null) {
                assertThat(((io.netty.buffer.ByteBuf) o).readableBytes()).isLessThanOrEqualTo(512);
                ((io.netty.buffer.ByteBuf) o).release();
            }
            ch.finishAndReleaseAll();
        }
    }

    @FuzzTest(maxDuration = "10s")
    void hdlcDecoder(byte[] input) {
        EmbeddedChannel ch = new EmbeddedChannel(FrameDecoders.hdlc(2050));
        try {
            ch.writeInbound(Unpooled.wrappedBuffer(input));
        } catch (DecoderException expected) {
            // refused cleanly
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    /**
     * Whatever a "meter" answers to an association request, the session ends with a
     * {@link MeterException} of the vocabulary (or waits for more bytes, and fails with connection lost
     * when the link closes); nothing else escapes.
     */
    @FuzzTest(maxDuration = "20s")
    void associationReply(byte[] reply) {
        for (boolean ciphered : new boolean[] {false, true}) {
            SessionOnEmbeddedChannel s = new SessionOnEmbeddedChannel(ciphered);
            CompletableFuture<Void> open = s.open();
            s.link.channel().readOutbound(); // the AARQ
            try {
                s.link.channel().writeInbound(Unpooled.wrappedBuffer(frame(reply)));
            } catch (RuntimeException ignored) {
                // the decoder refused the bytes; the link reports it to the session
            }
            s.link.channel().close();
            s.link.channel().runPendingTasks();
            assertThat(open).isDone();
            if (open.isCompletedExceptionally()) {
                Throwable t = open.handle((v, e) -> e).join();
                assertThat(MeterException.find(t)).as("%s", t).isNotNull();
            }
            s.link.channel().finishAndReleaseAll();
        }
    }

    /** Wraps arbitrary bytes as one wrapper frame so that they reach the session layer. */
    static byte[] frame(byte[] apdu) {
        int n = Math.min(apdu.length, 4096);
        byte[] f = new byte[8 + n];
        f[1] = 1;
        f[3] = 1;
        f[5] = 1;
        f[6] = (byte) (n >> 8);
        f[7] = (byte) n;
        System.arraycopy(apdu, 0, f, 8, n);
        return f;
    }
}
