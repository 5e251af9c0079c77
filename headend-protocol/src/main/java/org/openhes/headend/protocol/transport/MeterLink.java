package org.openhes.headend.protocol.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.openhes.headend.protocol.MeterException;
import org.openhes.headend.protocol.MeterFailureKind;

/**
 * One TCP connection to a meter, seen as request/response of whole frames. Every method may be
 * called from any thread; the work runs on the channel's event loop and no thread waits.
 */
public final class MeterLink extends SimpleChannelInboundHandler<ByteBuf> {
    private final String meter;
    private final WireTrace trace;
    private Channel channel;
    private final ArrayDeque<byte[]> unread = new ArrayDeque<>();
    private CompletableFuture<byte[]> pending;
    private String pendingStep;
    private ScheduledFuture<?> timer;
    private MeterException closedBy;
    private int framesSent;

    MeterLink(String meter, WireTrace trace) {
        this.meter = meter;
        this.trace = trace;
    }

    /** Sends one frame and completes with the next whole frame the meter sends back. */
    public CompletableFuture<byte[]> request(String step, byte[] frame, Duration timeout) {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        if (channel.eventLoop().inEventLoop()) {
            send(step, frame, timeout, result);
        } else {
            channel.eventLoop().execute(() -> send(step, frame, timeout, result));
        }
        return result;
    }

    /** Completes with the next whole frame without sending anything (e.g. the rest of a segmented reply). */
    public CompletableFuture<byte[]> receive(String step, Duration timeout) {
        return request(step, null, timeout);
    }

    private void send(String step, byte[] frame, Duration timeout, CompletableFuture<byte[]> result) {
        if (closedBy != null) {
            result.completeExceptionally(closedBy);
            return;
        }
        if (pending != null) {
            result.completeExceptionally(new IllegalStateException("a request is already outstanding on " + meter));
            return;
        }
        pending = result;
        pendingStep = step;
        if (frame != null) {
            framesSent++;
            if (trace != null) trace.add("TX", step, frame);
            channel.writeAndFlush(Unpooled.wrappedBuffer(frame)).addListener(f -> {
                if (!f.isSuccess()) fail(new MeterException(MeterFailureKind.CONNECTION_LOST, meter, step,
                        "write failed: " + f.cause().getMessage(), f.cause()));
            });
        }
        if (!unread.isEmpty()) {
            deliver(unread.poll());
            return;
        }
        timer = channel.eventLoop().schedule(() -> fail(new MeterException(MeterFailureKind.RESPONSE_TIMEOUT, meter, step,
                "no answer within " + timeout.toMillis() + " ms")), timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void deliver(byte[] frame) {
        CompletableFuture<byte[]> p = pending;
        clearPending();
        p.complete(frame);
    }

    private void clearPending() {
        pending = null;
        pendingStep = null;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void fail(MeterException e) {
        if (closedBy == null && e.kind() != MeterFailureKind.RESPONSE_TIMEOUT) closedBy = e;
        CompletableFuture<byte[]> p = pending;
        clearPending();
        if (p != null) p.completeExceptionally(e);
        if (e.kind() == MeterFailureKind.RESPONSE_TIMEOUT) {
            closedBy = e; // a late answer would be taken for the next request's: the link is done
            channel.close();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        ctx.fireChannelActive();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
        byte[] frame = ByteBufUtil.getBytes(msg);
        if (trace != null) trace.add("RX", pendingStep == null ? "unsolicited" : pendingStep, frame);
        if (pending != null) deliver(frame);
        else if (unread.size() < 16) unread.add(frame);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        fail(new MeterException(MeterFailureKind.CONNECTION_LOST, meter, pendingStep == null ? "idle" : pendingStep,
                "the meter closed the connection"));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        String step = pendingStep == null ? "receive" : pendingStep;
        if (cause instanceof DecoderException) {
            fail(new MeterException(MeterFailureKind.MALFORMED_RESPONSE, meter, step, cause.getMessage(), cause));
        } else if (cause instanceof IOException) {
            fail(new MeterException(MeterFailureKind.CONNECTION_LOST, meter, step, cause.getMessage(), cause));
        } else {
            fail(new MeterException(MeterFailureKind.MALFORMED_RESPONSE, meter, step, cause.toString(), cause));
        }
        ctx.close();
    }

    /** Closes the connection; any outstanding request fails with connection lost. */
    public CompletableFuture<Void> close() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (channel == null) {
            done.complete(null);
            return done;
        }
        channel.close().addListener(f -> done.complete(null));
        return done;
    }

    /** Request frames sent on this link so far. */
    public int framesSent() {
        return framesSent;
    }

    public boolean isOpen() {
        return channel != null && channel.isActive() && closedBy == null;
    }

    public WireTrace trace() {
        return trace;
    }
}
