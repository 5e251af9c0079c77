package org.openhes.headend.protocol.transport;

import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Clock;

/** A {@link MeterLink} on an {@link EmbeddedChannel}, behind the real frame decoder, for tests. */
public final class EmbeddedLinks {
    private EmbeddedLinks() {
    }

    public record Embedded(EmbeddedChannel channel, MeterLink link) {
    }

    public static Embedded wrapper(String meter) {
        MeterLink link = new MeterLink(meter, new WireTrace(Clock.systemUTC(), 100));
        EmbeddedChannel ch = new EmbeddedChannel(FrameDecoders.wrapper(MeterConnector.DEFAULT_MAX_FRAME), link);
        return new Embedded(ch, link);
    }
}
