package org.openhes.headend.protocol.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.openhes.headend.protocol.MeterException;
import org.openhes.headend.protocol.MeterFailureKind;
import org.openhes.headend.simulator.SimulatedFleet;
import org.openhes.headend.simulator.SimulatorConfig;

/**
 * A real association with a simulated meter (public client, plaintext), then a reply that makes Gurux
 * 4.0.47 add empty rows until the heap is gone: the session ends with a typed failure naming the fault.
 */
class HostileReplyTest {
    @Test
    void aCompactArrayOfZeroWidthRowsEndsAsAMalformedResponse() throws Exception {
        try (var fleet = SimulatedFleet.start(SimulatorConfig.builder().meters(1).port(0).build())) {
            var meter = fleet.openInMemory(0);
            SessionOnEmbeddedChannel s = new SessionOnEmbeddedChannel(false);
            associate(s, meter);

            var read = s.session.access().get(3, "1-0:1.8.1.255", 2);
            ByteBuf request = s.link.channel().readOutbound();
            int invokeId = request.getUnsignedByte(8 + 2); // wrapper header, C0 01, invoke-id-and-priority
            request.release();
            byte[] apdu = HexFormat.of().parseHex("C401" + String.format("%02X", invokeId) + "00" + "1302000C" + "00".repeat(12));
            s.link.channel().writeInbound(Unpooled.wrappedBuffer(org.openhes.headend.protocol.fuzz.ReplyFuzzTest.frame(apdu)));

            assertMalformed(read, "compact array whose rows are zero bytes wide");
            s.link.channel().finishAndReleaseAll();
        }
    }

    /**
     * HLS5-GMAC association with a simulated meter, then a plaintext get-response: Gurux 4.0.47 would
     * take its value (checked with the guard switched off); the guard refuses it.
     */
    @Test
    void aPlaintextReplyInACipheredAssociationIsRefused() throws Exception {
        try (var fleet = SimulatedFleet.start(SimulatorConfig.builder().meters(1).port(0).build())) {
            var meter = fleet.openInMemory(0);
            var id = fleet.identity(0);
            var target = new org.openhes.headend.protocol.model.MeterTarget(id.ean(),
                    org.openhes.headend.protocol.MeterEndpoint.wrapper("127.0.0.1", 4059, 1, 1),
                    org.openhes.headend.protocol.model.MeterSecurity.hlsGmac(HexFormat.of().parseHex("4F48450000000001"),
                            id.encryptionKey(), id.authenticationKey()),
                    org.openhes.headend.protocol.model.MeterProfile.emucs());
            SessionOnEmbeddedChannel s = new SessionOnEmbeddedChannel(target);
            associate(s, meter);

            var read = s.session.access().get(3, "1-0:1.8.1.255", 2);
            ByteBuf request = s.link.channel().readOutbound();
            request.release();
            // the invoke-id is inside the ciphered request; C1 is what this client uses
            byte[] apdu = HexFormat.of().parseHex("C401C100" + "0600000457");
            s.link.channel().writeInbound(Unpooled.wrappedBuffer(org.openhes.headend.protocol.fuzz.ReplyFuzzTest.frame(apdu)));

            assertMalformed(read, "plaintext reply (tag 0xC4) in a ciphered association");
            s.link.channel().finishAndReleaseAll();
        }
    }

    /** Plays the in-memory meter's side of the association (AARQ/AARE, then HLS pass 3/4 when ciphered). */
    private static void associate(SessionOnEmbeddedChannel s, SimulatedFleet.InMemoryMeter meter) {
        CompletableFuture<Void> open = s.open();
        for (int i = 0; i < 5 && !open.isDone(); i++) {
            ByteBuf request = s.link.channel().readOutbound();
            if (request == null) break;
            byte[] answer = meter.handle(ByteBufUtil.getBytes(request));
            request.release();
            s.link.channel().writeInbound(Unpooled.wrappedBuffer(answer));
        }
        assertThat(open).as("association").isCompleted();
    }

    private static void assertMalformed(CompletableFuture<?> read, String why) {
        assertThat(read).isCompletedExceptionally();
        MeterException e = MeterException.find(read.handle((v, t) -> t).join());
        assertThat(e.kind()).isEqualTo(MeterFailureKind.MALFORMED_RESPONSE);
        assertThat(e.getMessage()).contains(why);
    }
}
