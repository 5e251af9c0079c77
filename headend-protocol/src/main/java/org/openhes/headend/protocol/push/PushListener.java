package org.openhes.headend.protocol.push;

import gurux.dlms.GXByteBuffer;
import gurux.dlms.GXReplyData;
import gurux.dlms.enums.InterfaceType;
import gurux.dlms.enums.Security;
import gurux.dlms.secure.GXDLMSSecureNotify;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.openhes.headend.protocol.apdu.MalformedApdu;
import org.openhes.headend.protocol.apdu.ReplyGuard;
import org.openhes.headend.protocol.session.DlmsValues;
import org.openhes.headend.protocol.transport.FrameDecoders;
import org.openhes.headend.protocol.transport.MeterConnector;

/**
 * Accepts connections that meters open to push DataNotification APDUs (alarms), over the wrapper
 * transport. A notification must be ciphered (general-glo-ciphering): it names its sender by system
 * title, the keys are looked up by that title (on {@code executor}, never on the event loop) and the
 * APDU is authenticated before anything in it is parsed; anything else is reported and dropped.
 */
public final class PushListener implements AutoCloseable {
    /** Keys of the meter that owns a system title. */
    public record PushKeys(String meterId, byte[] encryptionKey, byte[] authenticationKey) {
        @Override
        public String toString() {
            return "PushKeys[" + meterId + ", keys=***]";
        }
    }

    public interface KeyResolver {
        Optional<PushKeys> keysFor(byte[] systemTitle);
    }

    /** One decoded notification; {@code meterId} is null for an unciphered push from an unknown sender. */
    public record PushEvent(String meterId, String systemTitle, Instant receivedAt, boolean ciphered, List<Object> values) {
    }

    public interface Sink {
        void accept(PushEvent event);

        void rejected(String from, String reason);
    }

    static final int MAX_FRAME = 8 + 4096;
    private static final int GENERAL_GLO_CIPHERING = 0xDB;

    private final Channel server;
    private final KeyResolver keys;
    private final Sink sink;
    private final Executor executor;
    private final InstantSource clock;

    private PushListener(EventLoopGroup group, Class<? extends ServerSocketChannel> serverChannel, InetSocketAddress bind,
                         KeyResolver keys, Sink sink, Executor executor, InstantSource clock) throws InterruptedException {
        this.keys = keys;
        this.sink = sink;
        this.executor = executor;
        this.clock = clock;
        this.server = new ServerBootstrap().group(group).channel(serverChannel)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("idle", new ReadTimeoutHandler(60));
                        ch.pipeline().addLast("frames", FrameDecoders.wrapper(MAX_FRAME));
                        ch.pipeline().addLast("push", new Handler());
                    }
                }).bind(bind).sync().channel();
    }

    /** Listens on {@code bind} on the meter connector's event loops, with the server channel of their transport. */
    public static PushListener start(MeterConnector connector, InetSocketAddress bind, KeyResolver keys, Sink sink,
                                     Executor executor, InstantSource clock) throws InterruptedException {
        return new PushListener(connector.group(), connector.io().serverChannel(), bind, keys, sink, executor, clock);
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    private final class Handler extends SimpleChannelInboundHandler<ByteBuf> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
            byte[] frame = ByteBufUtil.getBytes(msg);
            String from = String.valueOf(ctx.channel().remoteAddress());
            byte[] title = systemTitleOf(frame);
            CompletableFuture.supplyAsync(() -> title == null ? Optional.<PushKeys>empty() : keys.keysFor(title), executor)
                    .thenAccept(found -> decode(from, frame, title, found.orElse(null)))
                    .exceptionally(e -> {
                        sink.rejected(from, "key lookup failed: " + e.getMessage());
                        return null;
                    });
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            sink.rejected(String.valueOf(ctx.channel().remoteAddress()), cause.getMessage());
            ctx.close();
        }
    }

    /**
     * The sender's system title of a general-glo-ciphering APDU that is authenticated and encrypted,
     * or null otherwise. The security control byte must announce both: general-glo-ciphering also
     * allows "no security", whose content Gurux would parse without any check.
     */
    static byte[] systemTitleOf(byte[] wrapperFrame) {
        if (wrapperFrame.length < 8 + 2 + 8 + 2 || (wrapperFrame[8] & 0xFF) != GENERAL_GLO_CIPHERING) return null;
        int len = wrapperFrame[9] & 0xFF;
        if (len != 8) return null;
        int at = 18; // the A-XDR length of the ciphered content, then the security control byte
        int first = wrapperFrame[at] & 0xFF;
        at += first < 0x80 ? 1 : 1 + (first & 0x7F);
        if (at >= wrapperFrame.length) return null;
        int securityControl = wrapperFrame[at] & 0xFF;
        if ((securityControl & 0x30) != 0x30) return null;
        return Arrays.copyOfRange(wrapperFrame, 10, 18);
    }

    private void decode(String from, byte[] frame, byte[] title, PushKeys found) {
        String titleHex = title == null ? null : HexFormat.of().withUpperCase().formatHex(title);
        if (title == null) {
            // Only authenticated pushes reach the codec: fuzzing found unciphered DataNotifications (a
            // compact array of zero-width columns) that make Gurux loop until the heap is exhausted.
            sink.rejected(from, "unauthenticated push refused: pushes must be authenticated and encrypted (general-glo-ciphering)");
            return;
        }
        if (found == null) {
            sink.rejected(from, "ciphered push from unknown system title " + titleHex);
            return;
        }
        try {
            PushEvent event = decodeFrame(frame, titleHex, found, clock.instant());
            if (event == null) {
                sink.rejected(from, "not a complete data notification");
                return;
            }
            sink.accept(event);
        } catch (MalformedApdu e) {
            if (e.notAuthentic()) {
                sink.rejected(from, "push from " + titleHex + " does not decode or authenticate: its tag does not verify");
                return;
            }
            sink.rejected(from, "push from " + titleHex + " refused: " + e.getMessage());
        } catch (Exception e) {
            sink.rejected(from, "push from " + (titleHex == null ? "an unciphered sender" : titleHex)
                    + " does not decode or authenticate: " + e.getClass().getSimpleName());
        }
    }

    /** Decodes one wrapper frame holding a DataNotification; null when it is not a complete one. */
    static PushEvent decodeFrame(byte[] frame, String titleHex, PushKeys found, Instant at) throws Exception {
        if (found != null) {
            // deciphered and checked before Gurux parses it: a sender with the keys must not make it loop either
            byte[] title = HexFormat.of().parseHex(titleHex);
            new ReplyGuard(false, new ReplyGuard.Keys(found.encryptionKey(), found.authenticationKey(), () -> title), () -> false)
                    .inspectPush(frame);
        }
        GXDLMSSecureNotify notify = new GXDLMSSecureNotify(true, 1, 1, InterfaceType.WRAPPER);
        if (found != null) {
            notify.getCiphering().setSecurity(Security.AUTHENTICATION_ENCRYPTION);
            notify.getCiphering().setBlockCipherKey(found.encryptionKey());
            notify.getCiphering().setAuthenticationKey(found.authenticationKey());
        }
        GXReplyData reply = new GXReplyData();
        if (!notify.getData(new GXByteBuffer(frame), reply) || reply.getValue() == null) return null;
        List<Object> values = new ArrayList<>();
        if (reply.getValue() instanceof List<?> l) {
            for (Object o : l) values.add(DlmsValues.printable(o));
        } else {
            values.add(DlmsValues.printable(reply.getValue()));
        }
        return new PushEvent(found == null ? null : found.meterId(), titleHex, at, found != null, values);
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly();
    }
}
