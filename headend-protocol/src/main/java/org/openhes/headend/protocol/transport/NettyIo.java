package org.openhes.headend.protocol.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.util.List;
import java.util.Locale;

/**
 * Which Netty transport the event loops run on. A daily read opens a connection per meter and
 * exchanges a few small frames on it, so system calls are a large part of the transport's cost.
 * {@code auto} takes Linux's native epoll where it loads (it saves the JDK selector's bookkeeping:
 * 15 % less CPU per daily-read session than NIO, README "Performance") and NIO elsewhere. io_uring is
 * there on request ({@code io.transport=io_uring}): it halves the cost of the connections and
 * exchanges alone, but made no measurable difference to a whole daily read, and it is the younger of
 * Netty's native transports and refused by many containers' seccomp profiles, so it is not the
 * default. Chosen once per process by the {@code io.transport} setting.
 *
 * @param name          {@code io_uring}, {@code epoll} or {@code nio}, as logged at start-up
 * @param handlers      the event loops' I/O handlers
 * @param socketChannel the client channel class matching the event loops
 * @param serverChannel the server channel class matching the event loops
 */
public record NettyIo(String name, IoHandlerFactory handlers, Class<? extends SocketChannel> socketChannel,
                      Class<? extends ServerSocketChannel> serverChannel) {

    /** The values {@link #choose} accepts. */
    public static final List<String> MODES = List.of("auto", "io_uring", "epoll", "nio");

    /**
     * @param mode {@code auto}, or one transport by name, which must then load here
     * @throws IllegalArgumentException for an unknown mode
     * @throws IllegalStateException    when the named native transport does not load, with Netty's reason
     */
    public static NettyIo choose(String mode) {
        return switch (mode.toLowerCase(Locale.ROOT)) {
            case "auto" -> Epoll.isAvailable() ? epoll() : nio();
            case "io_uring" -> {
                if (!IoUring.isAvailable()) throw unavailable("io_uring", IoUring.unavailabilityCause());
                yield ioUring();
            }
            case "epoll" -> {
                if (!Epoll.isAvailable()) throw unavailable("epoll", Epoll.unavailabilityCause());
                yield epoll();
            }
            case "nio" -> nio();
            default -> throw new IllegalArgumentException("io.transport must be one of " + MODES + " (was '" + mode + "')");
        };
    }

    private static IllegalStateException unavailable(String name, Throwable cause) {
        return new IllegalStateException("io.transport=" + name + ", but the native " + name + " transport does not load here ("
                + cause + "); use io.transport=auto or nio", cause);
    }

    private static NettyIo ioUring() {
        return new NettyIo("io_uring", IoUringIoHandler.newFactory(), IoUringSocketChannel.class, IoUringServerSocketChannel.class);
    }

    private static NettyIo epoll() {
        return new NettyIo("epoll", EpollIoHandler.newFactory(), EpollSocketChannel.class, EpollServerSocketChannel.class);
    }

    private static NettyIo nio() {
        return new NettyIo("nio", NioIoHandler.newFactory(), NioSocketChannel.class, NioServerSocketChannel.class);
    }

    /** Event loops of this transport; {@code threads} 0 means one per core (the loops never block). */
    public EventLoopGroup newGroup(int threads) {
        return new MultiThreadIoEventLoopGroup(threads > 0 ? threads : Runtime.getRuntime().availableProcessors(), handlers);
    }
}
