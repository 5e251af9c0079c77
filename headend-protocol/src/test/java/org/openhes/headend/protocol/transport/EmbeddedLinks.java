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
        return wrapper(meter, Clock.systemUTC());
    }

    /** A wrapper link whose trace takes its times from {@code clock}. */
    public static Embedded wrapper(String meter, Clock clock) {
        MeterLink link = new MeterLink(meter, new WireTrace(clock, 500));
        EmbeddedChannel ch = new EmbeddedChannel(FrameDecoders.wrapper(MeterConnector.DEFAULT_MAX_FRAME), link);
        return new Embedded(ch, link);
    }

    /** An HDLC link behind the same frame decoder as the connector's. */
    public static Embedded hdlc(String meter, Clock clock) {
        MeterLink link = new MeterLink(meter, new WireTrace(clock, 500));
        EmbeddedChannel ch = new EmbeddedChannel(FrameDecoders.hdlc(2050), link);
        return new Embedded(ch, link);
    }
}
