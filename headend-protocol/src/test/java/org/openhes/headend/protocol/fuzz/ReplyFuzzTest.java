package org.openhes.headend.protocol.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.util.concurrent.CompletableFuture;
import org.openhes.headend.protocol.MeterException;
import org.openhes.headend.protocol.apdu.AxdrData;
import org.openhes.headend.protocol.apdu.MalformedApdu;
import org.openhes.headend.protocol.session.SessionOnEmbeddedChannel;
import org.openhes.headend.protocol.transport.FrameDecoders;

/**
 * Fuzzing of everything that parses bytes from the network. Under {@code mvn verify} each target runs
 * its regression inputs (src/test/resources/.../*Inputs); with {@code JAZZER_FUZZ=1} Jazzer explores
 * new ones, coverage-guided (see the README's Tests section).
 */
public class ReplyFuzzTest {
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

    /**
     * After a real association with a simulated meter (public client), whatever the meter answers to
     * the index read ends as a typed failure or a reading; nothing else escapes.
     */
    @FuzzTest(maxDuration = "20s")
    void readReply(byte[] reply) throws Exception {
        {
            var meter = fleet().openInMemory(0);
            SessionOnEmbeddedChannel s = new SessionOnEmbeddedChannel(false);
            CompletableFuture<Void> open = s.open();
            io.netty.buffer.ByteBuf aarq = s.link.channel().readOutbound();
            byte[] aare = meter.handle(io.netty.buffer.ByteBufUtil.getBytes(aarq));
            aarq.release();
            s.link.channel().writeInbound(Unpooled.wrappedBuffer(aare));
            assertThat(open).isCompleted();
            var read = s.session.access().get(3, "1-0:1.8.1.255", 2);
            Object request = s.link.channel().readOutbound();
            if (request != null) ((io.netty.buffer.ByteBuf) request).release();
            try {
                s.link.channel().writeInbound(Unpooled.wrappedBuffer(frame(reply)));
            } catch (RuntimeException ignored) {
                // the decoder refused the bytes; the link reports it to the session
            }
            s.link.channel().close();
            s.link.channel().runPendingTasks();
            assertThat(read).isDone();
            if (read.isCompletedExceptionally()) {
                Throwable t = read.handle((v, e) -> e).join();
                assertThat(MeterException.find(t)).as("%s", t).isNotNull();
            }
            s.link.channel().finishAndReleaseAll();
        }
    }

    /**
     * Differential: whatever {@link AxdrData} accepts, the Gurux codec parses to an end: a value or an
     * Exception, never an Error (heap exhausted, stack overflow) nor a loop. Whatever it refuses, it
     * refuses with a {@link MalformedApdu}.
     */
    @FuzzTest(maxDuration = "20s")
    void dataAcceptedByTheGuardEndsInTheCodec(byte[] data) {
        try {
            AxdrData.check(data, 0, data.length);
        } catch (MalformedApdu refused) {
            return;
        }
        try {
            gurux.dlms.internal.GXCommon.getData(null,
                    new gurux.dlms.GXByteBuffer(data), new gurux.dlms.internal.GXDataInfo());
        } catch (RuntimeException codecRefusal) {
            // the session turns an Exception from the codec into MALFORMED_RESPONSE
        }
    }

    /** The guard itself, on any frame, plain or ciphered, wrapper or HDLC: a verdict or a MalformedApdu. */
    @FuzzTest(maxDuration = "20s")
    void guardOnAnyFrame(byte[] frame) {
        byte[] key = new byte[16];
        byte[] title = new byte[8];
        for (boolean hdlc : new boolean[] {false, true}) {
            for (boolean ciphered : new boolean[] {false, true}) {
                var guard = new org.openhes.headend.protocol.apdu.ReplyGuard(hdlc,
                        ciphered ? new org.openhes.headend.protocol.apdu.ReplyGuard.Keys(key, key, () -> title) : null,
                        () -> frame.length % 2 == 0);
                try {
                    guard.inspect(frame);
                    guard.inspect(frame); // a second frame continues segments and blocks
                } catch (MalformedApdu refused) {
                    // the verdict the session turns into MALFORMED_RESPONSE
                } catch (org.openhes.headend.protocol.apdu.ExceptionResponse refusal) {
                    // the meter's refusal (an exception-response), which the session names
                }
            }
        }
    }

    private static org.openhes.headend.simulator.SimulatedFleet fleet;

    /** One simulated meter for every input (its server objects are built per connection). */
    private static synchronized org.openhes.headend.simulator.SimulatedFleet fleet() throws Exception {
        if (fleet == null) {
            fleet = org.openhes.headend.simulator.SimulatedFleet.start(
                    org.openhes.headend.simulator.SimulatorConfig.builder().meters(1).port(0).build());
        }
        return fleet;
    }

    @org.junit.jupiter.api.AfterAll
    static synchronized void closeFleet() {
        if (fleet != null) fleet.close();
        fleet = null;
    }

    /** Wraps arbitrary bytes as one wrapper frame so that they reach the session layer. */
    public static byte[] frame(byte[] apdu) {
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
