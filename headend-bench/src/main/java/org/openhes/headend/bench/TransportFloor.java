package org.openhes.headend.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openhes.headend.protocol.MeterEndpoint;
import org.openhes.headend.protocol.transport.FrameDecoders;
import org.openhes.headend.protocol.transport.MeterConnector;
import org.openhes.headend.protocol.transport.MeterLink;
import org.openhes.headend.protocol.transport.NettyIo;

/**
 * The transport alone, as the daily read uses it: the head-end's connector and links open a TCP
 * connection to a loopback "meter", exchange the daily read's five request/reply pairs of wrapper
 * frames and close, with {@code concurrency} sessions in flight, both ends in this process on the
 * same event loops as in {@code daily-read}, but no DLMS, no ciphering, no database. Its rate is the
 * most a networked daily read could reach if the codec were free; together with the codec ceiling
 * it bounds the ratio the daily read can reach on this machine.
 *
 * <p>As the {@code transport} scenario it is printed beside the codec ceiling: {@code boundRatio} is the
 * ratio a daily read would reach if it cost only the codec's work plus the transport's (both CPU-bound
 * on the same cores: their costs add).
 */
final class TransportFloor implements Scenario {
    /**
     * Frame sizes of the order of a daily read's (AARQ/AARE, HLS pass 3, GET-with-list, rows by range,
     * release): approximations, not taken from a trace; at a few hundred bytes the system calls cost
     * the same whatever the exact size.
     */
    private static final int[] REQUEST_BYTES = {78, 46, 96, 92, 44};
    private static final int[] REPLY_BYTES = {72, 46, 160, 150, 24};

    record Figures(double sessionsPerSecond, double cpuMicrosPerSession, long sessions) {
        /** The ratio to the codec ceiling a session costing the codec's and the transport's work would reach. */
        double boundRatio(CodecCeiling.Figures codec) {
            return sessionsPerSecond / (codec.sessionsPerSecond() + sessionsPerSecond);
        }
    }

    @Override
    public void run(BenchParameters p, Map<String, Object> out) throws Exception {
        CodecCeiling.Figures codec = CodecCeiling.measure(Duration.ofSeconds(10));
        Figures f = measure(p.concurrency(), p.duration());
        out.put("sessionsPerSecond", Stats.round(f.sessionsPerSecond()));
        out.put("ratio", Stats.round3(f.sessionsPerSecond() / codec.sessionsPerSecond()));
        out.put("codecSessionsPerSecond", Stats.round(codec.sessionsPerSecond()));
        out.put("cpuMicrosPerSession", Stats.round(f.cpuMicrosPerSession()));
        out.put("boundRatio", Stats.round3(f.boundRatio(codec)));
        out.put("concurrency", p.concurrency());
        out.put("lost", 0);
    }

    /** Measures for at most 10 s after 3 s of warm-up, on the transport {@code io.transport} names. */
    static Figures measure(int concurrency, Duration upTo) throws Exception {
        NettyIo io = Rig.nettyIo();
        Duration measured = upTo.compareTo(Duration.ofSeconds(10)) < 0 ? upTo : Duration.ofSeconds(10);
        Figures f = measure(io, concurrency, Duration.ofSeconds(3), measured);
        System.err.printf("transport (%s): %d sessions, %.0f sessions/s, %.0f µs CPU per session%n", io.name(), f.sessions(),
                f.sessionsPerSecond(), f.cpuMicrosPerSession());
        return f;
    }

    /** Measures for {@code measured} after {@code warmUp}; sessions rotate over 60,000 loopback addresses. */
    private static Figures measure(NettyIo io, int concurrency, Duration warmUp, Duration measured) throws Exception {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        EventLoopGroup serverLoops = io.newGroup(0);
        try (MeterConnector connector = new MeterConnector(io, 0, MeterConnector.DEFAULT_MAX_FRAME, Clock.systemUTC())) {
            Channel server = new ServerBootstrap().group(serverLoops).channel(io.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 4096).option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(FrameDecoders.wrapper(MeterConnector.DEFAULT_MAX_FRAME), new CannedMeter());
                        }
                    }).bind(new InetSocketAddress(0)).sync().channel();
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            run(connector, port, concurrency, warmUp);
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            long sessions = run(connector, port, concurrency, measured);
            double secs = (System.nanoTime() - t0) / 1e9;
            double cpuUs = (os.getProcessCpuTime() - cpu0) / 1e3 / Math.max(1, sessions);
            server.close().sync();
            return new Figures(sessions / secs, cpuUs, sessions);
        } finally {
            serverLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        }
    }

    private static long run(MeterConnector connector, int port, int concurrency, Duration d) throws InterruptedException {
        Semaphore slots = new Semaphore(concurrency);
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long until = System.nanoTime() + d.toNanos();
        long i = 0;
        while (System.nanoTime() < until) {
            if (!slots.tryAcquire(100, TimeUnit.MILLISECONDS)) continue;
            long n = i++ % 60_000;
            String host = "127.1." + (n / 250) + "." + (1 + n % 250);
            session(connector, MeterEndpoint.wrapper(host, port, 1, 1)).whenComplete((ok, e) -> {
                if (e == null) done.incrementAndGet(); else failed.incrementAndGet();
                slots.release();
            });
        }
        slots.acquire(concurrency); // let the sessions in flight end
        if (failed.get() > 0) throw new IllegalStateException(failed.get() + " transport sessions failed");
        return done.get();
    }

    private static CompletableFuture<Void> session(MeterConnector connector, MeterEndpoint endpoint) {
        Duration timeout = Duration.ofSeconds(15);
        return connector.connect("floor", endpoint, timeout, false).thenCompose(link -> {
            CompletableFuture<byte[]> chain = CompletableFuture.completedFuture(null);
            for (int r = 0; r < REQUEST_BYTES.length; r++) {
                byte[] frame = wrapperFrame(REQUEST_BYTES[r], r);
                chain = chain.thenCompose(previous -> link.request("exchange", frame, timeout));
            }
            return chain.handle((reply, e) -> link).thenCompose(MeterLink::close);
        });
    }

    /** A wrapper frame of {@code bytes} bytes in all whose first payload byte says which reply to send. */
    private static byte[] wrapperFrame(int bytes, int step) {
        byte[] f = new byte[bytes];
        int payload = bytes - 8;
        f[1] = 1; // version 1
        f[3] = 1; // source wPort
        f[5] = 1; // destination wPort
        f[6] = (byte) (payload >> 8);
        f[7] = (byte) payload;
        f[8] = (byte) step;
        return f;
    }

    /** Answers each request frame with a frame of the size a meter's reply to that step has. */
    private static final class CannedMeter extends SimpleChannelInboundHandler<ByteBuf> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            int step = frame.readableBytes() > 8 ? frame.getByte(frame.readerIndex() + 8) : 0;
            byte[] reply = wrapperFrame(REPLY_BYTES[Math.floorMod(step, REPLY_BYTES.length)], step);
            ctx.writeAndFlush(ctx.alloc().buffer(reply.length).writeBytes(reply));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
