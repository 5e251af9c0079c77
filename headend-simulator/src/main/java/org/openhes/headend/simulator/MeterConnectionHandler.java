package org.openhes.headend.simulator;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.net.InetSocketAddress;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted connection: finds which meter was dialled (by the destination address), decides the
 * connection's fault, builds the meter's objects, and answers each frame after the configured latency.
 */
final class MeterConnectionHandler extends SimpleChannelInboundHandler<ByteBuf> {
    private static final Logger log = LoggerFactory.getLogger(MeterConnectionHandler.class);

    private final SimulatedFleet fleet;
    private SimulatedMeter meter;
    private MeterExchange exchange;
    private Fault fault = Fault.NONE;
    private int faultAfter;
    private int requests;
    private SplittableRandom random;

    MeterConnectionHandler(SimulatedFleet fleet) {
        this.fleet = fleet;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
        InetSocketAddress local = (InetSocketAddress) ctx.channel().localAddress();
        if (!remote.getAddress().isLoopbackAddress() && !fleet.config().allowRemote()) {
            ctx.close(); // the simulator serves loopback only, unless told otherwise (containers)
            return;
        }
        int index = fleet.meterAt(local);
        if (index < 0) {
            log.debug("no simulated meter at {}", local);
            ctx.close();
            return;
        }
        long connection = fleet.connectionAccepted();
        random = new SplittableRandom(fleet.config().seed() * 31 + connection);
        fault = fleet.decideFault(random);
        faultAfter = 1 + random.nextInt(3);
        if (fault == Fault.REFUSE) {
            ctx.close();
            return;
        }
        meter = fleet.newMeter(index, fault == Fault.REJECT_ASSOCIATION);
        exchange = fleet.exchange(meter);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
        if (meter == null) return;
        requests++;
        if (fault == Fault.DROP && requests > faultAfter) {
            ctx.close();
            return;
        }
        if (fault == Fault.SILENT && requests > faultAfter) return;
        MeterExchange.Answer answer;
        try {
            answer = exchange.answer(ByteBufUtil.getBytes(frame));
        } catch (Exception e) {
            log.debug("meter {} could not handle a request: {}", meter, e.toString());
            ctx.close();
            return;
        }
        if (answer.hangUp()) {
            ctx.close(); // hangup-on-auth-failure: no answer at all
            return;
        }
        byte[] reply = answer.frame();
        if (reply == null || reply.length == 0) return;
        if (fault == Fault.CORRUPT && requests == faultAfter) {
            reply[reply.length / 2] ^= (byte) 0x5A;
        }
        long delayNanos = fleet.config().latency().toNanos();
        long jitter = fleet.config().jitter().toNanos();
        if (jitter > 0) delayNanos += random.nextLong(jitter + 1);
        ByteBuf out = ctx.alloc().buffer(reply.length).writeBytes(reply);
        if (delayNanos <= 0) {
            ctx.writeAndFlush(out);
        } else {
            ctx.executor().schedule(() -> {
                if (ctx.channel().isActive()) ctx.writeAndFlush(out); else out.release();
            }, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (meter != null) {
            try {
                meter.close();
            } catch (Exception ignored) {
                // closing the server objects only releases memory
            }
            meter = null;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("simulated meter connection failed: {}", cause.toString());
        ctx.close();
    }
}
