package org.openhes.headend.protocol.session;

import gurux.dlms.GXByteBuffer;
import gurux.dlms.GXDLMSClient;
import gurux.dlms.GXDLMSException;
import gurux.dlms.GXReplyData;
import gurux.dlms.enums.Conformance;
import gurux.dlms.enums.InterfaceType;
import gurux.dlms.enums.Security;
import gurux.dlms.secure.GXDLMSSecureClient;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openhes.headend.protocol.MeterException;
import org.openhes.headend.protocol.MeterFailureKind;
import org.openhes.headend.protocol.Transport;
import org.openhes.headend.protocol.apdu.ReplyGuard;
import org.openhes.headend.protocol.model.Authentication;
import org.openhes.headend.protocol.model.MeterTarget;
import org.openhes.headend.protocol.transport.MeterLink;

/**
 * One application association over one {@link MeterLink}: HDLC link set-up where needed, AARQ/AARE,
 * HLS5-GMAC pass 3/4, invocation counters, release; and the exchange of one request (its frames, the
 * guard on every reply, "more data" followed) that every operation is built from. Gurux's client
 * object is touched by one step at a time: the futures chain them.
 */
final class Association {
    /** Counters reserved per trip to the store; a daily read uses about five. */
    static final int COUNTER_BLOCK = 32;
    /** Reserve more when fewer than this many remain (one request may need several APDUs). */
    static final int COUNTER_MARGIN = 8;
    /**
     * Gurux logs the expected and received f(CtoS) of a failed HLS pass 4 through java.util.logging, at
     * INFO: challenge material must not reach a log. Held here so the setting is not garbage-collected.
     */
    private static final Logger GURUX_LOG = Logger.getLogger("gurux.dlms");

    static {
        GURUX_LOG.setLevel(Level.OFF);
    }

    private final MeterTarget target;
    private final MeterLink link;
    private final Codec codec;
    private final ReplyGuard guard;
    private final InvocationCounterStore counters;
    private final Timeouts timeouts;
    private final Failures failures;
    private long counterBlockEnd;
    private boolean associated;
    /** Work to run before the next request, between the requests of an operation (joined urgent work). */
    private java.util.function.Supplier<CompletableFuture<Void>> beforeRequest;
    private boolean interjecting;
    /** The step in progress, so that a failure anywhere in an operation names it. */
    private volatile String step = "associate";

    Association(MeterTarget target, MeterLink link, InvocationCounterStore counters, Timeouts timeouts) {
        this.target = target;
        this.link = link;
        this.counters = counters;
        this.timeouts = timeouts;
        var ep = target.endpoint();
        boolean hdlc = ep.transport() == Transport.HDLC;
        int serverAddress = hdlc ? GXDLMSClient.getServerAddress(ep.serverSap(), ep.hdlcPhysical(), 0) : ep.serverSap();
        var sec = target.security();
        this.codec = new Codec(ep.clientSap(), serverAddress, guruxAuthentication(sec.authentication()),
                sec.authentication() == Authentication.LOW ? sec.password() : null,
                hdlc ? InterfaceType.HDLC : InterfaceType.WRAPPER);
        if (sec.ciphered()) {
            codec.getCiphering().setSecurity(Security.AUTHENTICATION_ENCRYPTION);
            codec.getCiphering().setSystemTitle(sec.clientSystemTitle());
            codec.getCiphering().setBlockCipherKey(sec.encryptionKey());
            codec.getCiphering().setAuthenticationKey(sec.authenticationKey());
        }
        this.failures = new Failures(target.label(), () -> codec.getCiphering().getInvocationCounter());
        this.guard = new ReplyGuard(hdlc,
                sec.ciphered() ? new ReplyGuard.Keys(sec.encryptionKey(), sec.authenticationKey(), codec::getSourceSystemTitle) : null,
                codec::answeringGetWithList);
    }

    /** Gurux's client, with the pieces of its state the reply guard and the association need. */
    static final class Codec extends GXDLMSSecureClient {
        /** Gurux's GetCommandType.WITH_LIST (package-private there): the get-request-with-list choice. */
        private static final int GET_WITH_LIST = 3;

        Codec(int clientAddress, int serverAddress, gurux.dlms.enums.Authentication auth, String password, InterfaceType type) {
            super(true, clientAddress, serverAddress, auth, password, type);
        }

        /** Whether the request being answered was a GET-with-list (how Gurux reads data put together from blocks). */
        boolean answeringGetWithList() {
            return getSettings().getCommand() == gurux.dlms.enums.Command.GET_REQUEST
                    && getSettings().getCommandType() == GET_WITH_LIST;
        }

        /** The meter's challenge (StoC) from the AARE, or null. */
        byte[] serverChallenge() {
            return getSettings().getStoCChallenge();
        }

        /** The meter's max receive PDU size, as negotiated in the AARE. */
        int negotiatedPduSize() {
            return getSettings().getMaxPduSize();
        }
    }

    private static gurux.dlms.enums.Authentication guruxAuthentication(Authentication a) {
        return switch (a) {
            case NONE -> gurux.dlms.enums.Authentication.NONE;
            case LOW -> gurux.dlms.enums.Authentication.LOW;
            case HLS_GMAC -> gurux.dlms.enums.Authentication.HIGH_GMAC;
        };
    }

    MeterTarget target() {
        return target;
    }

    Codec codec() {
        return codec;
    }

    Failures failures() {
        return failures;
    }

    MeterLink link() {
        return link;
    }

    /** Whether the meter accepted GET-with-list (multiple-references) in this association. */
    boolean getWithList() {
        return codec.getNegotiatedConformance().contains(Conformance.MULTIPLE_REFERENCES);
    }

    /** What the meter agreed to in its AARE. */
    Negotiated negotiated() {
        List<String> names = new ArrayList<>();
        for (Conformance c : codec.getNegotiatedConformance()) names.add(c.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        names.sort(null);
        byte[] title = codec.getSourceSystemTitle();
        return new Negotiated(names, codec.negotiatedPduSize(), title == null ? null : HexFormat.of().withUpperCase().formatHex(title));
    }

    // ---------------------------------------------------------------- opening and closing

    /**
     * HDLC link set-up (SNRM/UA) when needed, AARQ/AARE, and for HLS5-GMAC always pass 3/4: the head-end
     * proposed mutual authentication, so it completes it and checks the meter's answer whatever the
     * AARE's diagnostic says (some meters send "null" instead of "authentication-required").
     */
    CompletableFuture<Void> open() {
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        if (target.endpoint().transport() == Transport.HDLC) {
            // the HDLC parameters are always sent: some meters (jDLMS's server) cannot parse an SNRM without them
            chain = chain.thenCompose(v -> plain("associate SNRM", () -> new byte[][] {codec.snrmRequest(true)}, true))
                    .thenAccept(reply -> {
                        try {
                            codec.parseUAResponse(reply.getData());
                        } catch (RuntimeException e) {
                            throw failures.translate("associate UA", e);
                        }
                    });
        }
        chain = chain.thenCompose(v -> exchange("associate AARQ", codec::aarqRequest)).thenAccept(this::acceptAare);
        if (target.security().authentication() == Authentication.HLS_GMAC) chain = chain.thenCompose(v -> mutualAuthentication());
        return chain
                .thenRun(() -> associated = true)
                .handle((v, e) -> {
                    if (e != null) throw failure(e);
                    return null;
                });
    }

    private void acceptAare(GXReplyData reply) {
        try {
            if (!target.security().ciphered()) AareQuirks.unciphered(reply.getData());
            codec.parseAareResponse(reply.getData());
        } catch (GXDLMSException e) {
            throw failures.associationRefused(e);
        } catch (RuntimeException e) {
            throw failures.translate("associate AARE", e);
        }
    }

    /** HLS pass 3 (f(StoC) to the meter) and pass 4 (the meter's f(CtoS), verified with our keys). */
    private CompletableFuture<Void> mutualAuthentication() {
        byte[] stoc = codec.serverChallenge();
        if (stoc == null || stoc.length < 8) {
            return CompletableFuture.failedFuture(failures.of(MeterFailureKind.AUTHENTICATION_FAILED, "associate AARE",
                    "the meter accepted HLS5-GMAC without a challenge (StoC): mutual authentication cannot be completed"));
        }
        return exchange("associate HLS pass 3", codec::getApplicationAssociationRequest).thenAccept(reply -> {
            try {
                codec.parseApplicationAssociationResponse(reply.getData());
            } catch (Exception e) {
                if (Failures.corrupted(e)) throw failures.translate("associate HLS pass 4", e);
                throw new MeterException(MeterFailureKind.AUTHENTICATION_FAILED, failures.meter(), "associate HLS pass 4",
                        "the meter's answer to the challenge does not verify with these keys", e);
            }
        });
    }

    /**
     * RLRQ, then DISC on HDLC, each waiting for one answer frame whose content is not checked: the
     * connection is closed right after, and some meters answer a release in ways the codec does not
     * accept. Failures are ignored for the same reason.
     */
    CompletableFuture<Void> release() {
        if (!associated || !link.isOpen()) return CompletableFuture.completedFuture(null);
        associated = false;
        CompletableFuture<Void> chain = ensureCounters("release").thenCompose(v -> sendOnce("release", codec::releaseRequest));
        if (target.endpoint().transport() == Transport.HDLC) {
            chain = chain.thenCompose(v -> sendOnce("disconnect DISC", () -> new byte[][] {codec.disconnectRequest(true)}));
        }
        return chain.handle((v, e) -> null);
    }

    private CompletableFuture<Void> sendOnce(String step, Frames frames) {
        byte[][] out;
        try {
            out = frames.build();
        } catch (Exception e) {
            return CompletableFuture.failedFuture(failures.translate(step, e));
        }
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (byte[] frame : out) {
            if (frame == null || frame.length == 0) continue;
            chain = chain.thenCompose(v -> link.request(step, frame, timeouts.response()).thenApply(b -> null));
        }
        return chain;
    }

    /** Any failure of an operation, as the vocabulary's exception naming the step in progress. */
    MeterException failure(Throwable e) {
        return failures.in(step, e);
    }

    // ---------------------------------------------------------------- one request

    @FunctionalInterface
    interface Frames {
        byte[][] build() throws Exception;
    }

    /**
     * One request: invocation counters reserved first when the association is ciphered, then its frames
     * sent and the complete answer gathered. A data-access-result other than success fails it.
     */
    CompletableFuture<GXReplyData> exchange(String step, Frames frames) {
        return interjections().thenCompose(v -> ensureCounters(step)).thenCompose(v -> plain(step, frames, true));
    }

    /**
     * One request whose data-access- or action-result other than success is left in the reply
     * ({@link GXReplyData#getError()}) for the caller to word: a refused key transfer means something
     * else than a refused read.
     */
    CompletableFuture<GXReplyData> exchangeForResult(String step, Frames frames) {
        return interjections().thenCompose(v -> ensureCounters(step)).thenCompose(v -> plain(step, frames, false));
    }

    /** Runs {@code work} before each request of an open association, when it has something to do. */
    void beforeEachRequest(java.util.function.Supplier<CompletableFuture<Void>> work) {
        this.beforeRequest = work;
    }

    private CompletableFuture<Void> interjections() {
        if (!associated || beforeRequest == null || interjecting) return CompletableFuture.completedFuture(null);
        interjecting = true;
        return beforeRequest.get().whenComplete((v, e) -> interjecting = false);
    }

    private CompletableFuture<Void> ensureCounters(String step) {
        if (!target.security().ciphered()) return CompletableFuture.completedFuture(null);
        long next = codec.getCiphering().getInvocationCounter();
        if (next + COUNTER_MARGIN <= counterBlockEnd) return CompletableFuture.completedFuture(null);
        return counters.reserve(target.meterId(), target.endpoint().clientSap(), COUNTER_BLOCK).thenAccept(first -> {
            if (first + COUNTER_BLOCK > 0xFFFF_FFFFL) {
                throw failures.of(MeterFailureKind.INVOCATION_COUNTER_OUT_OF_SYNC, step,
                        "invocation counter exhausted (" + first + "): renew the meter's keys");
            }
            codec.getCiphering().setInvocationCounter(Math.max(first, codec.getCiphering().getInvocationCounter()));
            counterBlockEnd = first + COUNTER_BLOCK;
        });
    }

    /** Builds the frames, sends each, and gathers the complete answer (following "more data"). */
    private CompletableFuture<GXReplyData> plain(String step, Frames frames, boolean resultChecked) {
        this.step = step;
        byte[][] out;
        try {
            out = frames.build();
        } catch (Exception e) {
            return CompletableFuture.failedFuture(failures.translate(step, e));
        }
        GXReplyData reply = new GXReplyData();
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (byte[] frame : out) {
            chain = chain.thenCompose(v -> {
                reply.clear();
                return roundTrip(step, frame, reply, new GXByteBuffer());
            });
        }
        return chain.handle((v, e) -> {
            if (e != null) throw failures.in(step, e);
            if (resultChecked && reply.getError() != 0) throw failures.dataAccess(step, reply.getError());
            return reply;
        });
    }

    private CompletableFuture<Void> roundTrip(String step, byte[] frame, GXReplyData reply, GXByteBuffer received) {
        CompletableFuture<byte[]> answer = frame == null ? link.receive(step, timeouts.response())
                : link.request(step, frame, timeouts.response());
        return answer.thenCompose(bytes -> {
            received.set(bytes);
            GXReplyData notify = new GXReplyData();
            boolean complete;
            try {
                guard.inspect(bytes);
                complete = codec.getData(received, reply, notify);
            } catch (Exception e) {
                throw failures.translate(step, e);
            }
            if (!complete) return roundTrip(step, null, reply, received);
            if (reply.isMoreData()) {
                byte[] next;
                try {
                    next = codec.receiverReady(reply);
                } catch (Exception e) {
                    throw failures.translate(step, e);
                }
                return ensureCounters(step).thenCompose(v -> roundTrip(step, next, reply, new GXByteBuffer()));
            }
            return CompletableFuture.completedFuture(null);
        });
    }
}
