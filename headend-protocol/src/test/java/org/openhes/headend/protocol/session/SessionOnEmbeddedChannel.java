package org.openhes.headend.protocol.session;

import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import org.openhes.headend.protocol.MeterEndpoint;
import org.openhes.headend.protocol.model.MeterProfile;
import org.openhes.headend.protocol.model.MeterSecurity;
import org.openhes.headend.protocol.model.MeterTarget;
import org.openhes.headend.protocol.transport.EmbeddedLinks;

/** A session whose meter is whatever bytes a test writes into an EmbeddedChannel. */
public final class SessionOnEmbeddedChannel {
    public final EmbeddedLinks.Embedded link;
    public final MeterSession session;

    public SessionOnEmbeddedChannel(boolean ciphered) {
        this(new MeterTarget("541448800000000017", MeterEndpoint.wrapper("127.0.0.1", 4059, ciphered ? 1 : 16, 1),
                ciphered ? MeterSecurity.hlsGmac(HexFormat.of().parseHex("4F48450000000001"), KEY, KEY) : MeterSecurity.none(),
                MeterProfile.emucs()));
    }

    private static final byte[] KEY = HexFormat.of().parseHex("000102030405060708090A0B0C0D0E0F");

    public SessionOnEmbeddedChannel(MeterTarget target) {
        this(target, EmbeddedLinks.wrapper("fuzz"), Clock.systemUTC());
    }

    /** A session on {@code link} (wrapper or HDLC, as {@code target} says), with time from {@code clock}. */
    public SessionOnEmbeddedChannel(MeterTarget target, EmbeddedLinks.Embedded link, Clock clock) {
        this.link = link;
        Duration t = Duration.ofSeconds(5);
        session = new MeterSession(target, link.link(), new InMemoryInvocationCounterStore(1), new MeterMetadataCache(),
                new Timeouts(t, t, t), clock);
    }

    public java.util.concurrent.CompletableFuture<Void> open() {
        return session.open();
    }

    /** RLRQ (and DISC on HDLC), as the client ends a session. */
    public java.util.concurrent.CompletableFuture<Void> release() {
        return session.release();
    }
}
