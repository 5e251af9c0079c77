package org.openhes.headend.protocol.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openhes.headend.protocol.MeterEndpoint;
import org.openhes.headend.protocol.MeterException;
import org.openhes.headend.protocol.MeterFailureKind;
import org.openhes.headend.protocol.Transport;

/**
 * Opens TCP connections to meters on a shared Netty event-loop group. The pipeline of every
 * connection is assembled here, in one place: bounded frame decoder, then the {@link MeterLink}.
 */
public final class MeterConnector implements AutoCloseable {
    /** Default bound on one frame: well above a 2 KB HDLC frame or a 64 KB wrapper APDU is refused. */
    public static final int DEFAULT_MAX_FRAME = 65_536 + 8;

    private final NettyIo io;
    private final EventLoopGroup group;
    private final int maxFrame;
    private final InstantSource clock;

    /**
     * @param io        the Netty transport (epoll, io_uring or NIO), see {@link NettyIo#choose}
     * @param ioThreads event-loop threads; 0 means one per core (Netty's own default, two per core,
     *                  only adds context switches: the loops never block)
     */
    public MeterConnector(NettyIo io, int ioThreads, int maxFrame, InstantSource clock) {
        this.io = io;
        this.group = io.newGroup(ioThreads);
        this.maxFrame = maxFrame;
        this.clock = clock;
    }

    /** The event loops, shared with the push listener. */
    public EventLoopGroup group() {
        return group;
    }

    /** The transport the event loops run on (a server on {@link #group()} must use its server channel: the push listener). */
    public NettyIo io() {
        return io;
    }

    /**
     * Connects; completes with the link, or with a {@link MeterException} of kind UNREACHABLE or
     * CONNECT_TIMEOUT.
     */
    public CompletableFuture<MeterLink> connect(String meterLabel, MeterEndpoint endpoint, Duration connectTimeout,
                                                boolean traced) {
        WireTrace trace = traced ? new WireTrace(clock, 500) : null;
        MeterLink link = new MeterLink(meterLabel, trace);
        Bootstrap b = new Bootstrap()
                .group(group)
                .channel(io.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("frames", endpoint.transport() == Transport.HDLC
                                ? FrameDecoders.hdlc(Math.min(maxFrame, 2050)) : FrameDecoders.wrapper(maxFrame));
                        ch.pipeline().addLast("link", link);
                    }
                });
        CompletableFuture<MeterLink> result = new CompletableFuture<>();
        InetSocketAddress address = InetSocketAddress.createUnresolved(endpoint.host(), endpoint.port());
        try {
            address = new InetSocketAddress(endpoint.host(), endpoint.port());
        } catch (RuntimeException ignored) {
            // an unresolvable name fails below as unreachable
        }
        InetSocketAddress target = address;
        if (target.isUnresolved()) {
            result.completeExceptionally(new MeterException(MeterFailureKind.UNREACHABLE, meterLabel, "connect",
                    "cannot resolve " + endpoint.host()));
            return result;
        }
        b.connect(target).addListener(f -> {
            if (f.isSuccess()) {
                result.complete(link);
                return;
            }
            Throwable c = f.cause();
            MeterFailureKind kind = c instanceof ConnectTimeoutException ? MeterFailureKind.CONNECT_TIMEOUT
                    : MeterFailureKind.UNREACHABLE;
            String detail = c instanceof ConnectTimeoutException ? "no answer within " + connectTimeout.toMillis() + " ms"
                    : c instanceof ConnectException ? "connection refused by " + endpoint.hostAndPort() : c.toString();
            result.completeExceptionally(new MeterException(kind, meterLabel, "connect", detail, c));
        });
        return result;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
