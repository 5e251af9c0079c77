package org.openhes.headend.protocol.trace;

import java.util.ArrayList;
import java.util.List;
import org.openhes.headend.protocol.Transport;
import org.openhes.headend.protocol.model.MeterSecurity;
import org.openhes.headend.protocol.transport.WireTrace;

/**
 * Decodes a session's recorded frames ({@link WireTrace} entries, as hex) for field engineers: the link
 * layer (wrapper or HDLC, with segments put back together), then each APDU, deciphered with the session's
 * keys. The meter's system title is learned from the trace itself (the AARE's responding-AP-title, or a
 * general-glo-ciphering header). A frame that cannot be decoded or deciphered is still returned, with the
 * reason and its hex.
 *
 * <p>Secrets are never shown: keys are not in any output; authentication values, the HLS exchange's
 * f(StoC) and f(CtoS), passwords and keys written to the meter are {@code ***(n bytes)}, and masked in
 * the hex too. Bounded on hostile input: data nested at most 32 deep, {@value #MAX_ELEMENTS} data
 * elements and {@value #MAX_HEX_BYTES} bytes of hex shown per frame, APDUs put together up to 1 MiB.
 *
 * <p>Decoding happens when a trace is shown, not while it is recorded. An instance holds no state between
 * calls and may be used from several threads.
 */
public final class TraceDecoder {
    public static final int MAX_ELEMENTS = 1000;
    public static final int MAX_HEX_BYTES = 8192;

    private final Transport transport;
    private final byte[] encryptionKey, authenticationKey, clientSystemTitle;

    /**
     * @param transport         how the frames were carried
     * @param encryptionKey     the global unicast encryption key, or null (ciphered APDUs are then shown undeciphered)
     * @param authenticationKey the authentication key, or null
     * @param clientSystemTitle the head-end's system title, or null (it is then taken from the AARQ's calling-AP-title)
     */
    public TraceDecoder(Transport transport, byte[] encryptionKey, byte[] authenticationKey, byte[] clientSystemTitle) {
        this.transport = java.util.Objects.requireNonNull(transport, "transport");
        this.encryptionKey = copy(encryptionKey);
        this.authenticationKey = copy(authenticationKey);
        this.clientSystemTitle = copy(clientSystemTitle);
        if (this.clientSystemTitle != null && this.clientSystemTitle.length != 8) {
            throw new IllegalArgumentException("clientSystemTitle must be 8 bytes (was " + this.clientSystemTitle.length + ")");
        }
        for (byte[] k : new byte[][] {this.encryptionKey, this.authenticationKey}) {
            if (k != null && k.length != 16 && k.length != 32) {
                throw new IllegalArgumentException("keys must be 16 or 32 bytes (was " + k.length + ")");
            }
        }
    }

    /** A decoder with a session's secrets (none for an unciphered association). */
    public static TraceDecoder forSession(Transport transport, MeterSecurity security) {
        return new TraceDecoder(transport, security.encryptionKey(), security.authenticationKey(), security.clientSystemTitle());
    }

    private static byte[] copy(byte[] b) {
        return b == null ? null : b.clone();
    }

    /** The frames of one session, in order, decoded. */
    public List<DecodedFrame> decode(List<WireTrace.Entry> entries) {
        Conversation conversation = new Conversation(clientSystemTitle);
        Masks masks = new Masks(encryptionKey, authenticationKey);
        ApduDecoder apdus = new ApduDecoder(encryptionKey, authenticationKey, conversation, masks);
        List<FrameBuilder> built = new ArrayList<>(entries.size());
        List<RecordedFrame> frames = new ArrayList<>(entries.size());
        for (WireTrace.Entry e : entries) {
            RecordedFrame f = RecordedFrame.parse(e.hex());
            FrameBuilder fb = new FrameBuilder(e, f);
            frames.add(f);
            built.add(fb);
            if (f.problem != null) {
                fb.problem(f.problem);
                continue;
            }
            try {
                if (transport == Transport.HDLC) hdlc(f, fb, conversation, apdus);
                else wrapper(f, fb, apdus);
            } catch (Undecodable u) {
                fb.problem("cannot decode: " + u.getMessage());
            } catch (RuntimeException bug) {
                // a decoder bug must not hide the rest of the trace; the message names no content
                fb.problem("cannot decode: " + bug.getClass().getSimpleName());
            }
        }
        masks.maskValuesIn(frames);
        List<DecodedFrame> out = new ArrayList<>(built.size());
        for (FrameBuilder fb : built) out.add(fb.build());
        return out;
    }

    /** IEC 62056-47 wrapper: version, source and destination wPorts, length, then one APDU. */
    private static void wrapper(RecordedFrame f, FrameBuilder fb, ApduDecoder apdus) {
        Reader r = Reader.of(f.bytes);
        int version = r.u16("the wrapper version");
        int source = r.u16("the source wPort"), destination = r.u16("the destination wPort");
        int length = r.u16("the wrapper length");
        fb.link = new DecodedFrame.Link("wrapper", null, String.valueOf(source), String.valueOf(destination),
                null, null, null, null, null, null);
        if (version != 1) fb.problem("wrapper version " + version + " (1 expected)");
        if (length != r.remaining()) fb.problem("the wrapper header gives " + length + " bytes, " + r.remaining() + " follow");
        if (!r.more()) {
            fb.pdu = "wrapper (empty)";
            return;
        }
        apdus.decode(Assembly.ofFrame(f, 8, 8 + Math.min(length, r.remaining())), fb);
    }

    /** HDLC: link frames by name; I-frame segments put together, the APDU decoded with the last one. */
    private static void hdlc(RecordedFrame f, FrameBuilder fb, Conversation conversation, ApduDecoder apdus) {
        HdlcFrames.Frame h = HdlcFrames.read(f.bytes, !f.recorderMasked(0, f.bytes.length));
        fb.link = h.link();
        fb.pdu = "HDLC " + h.link().frame();
        fb.problem(h.problem());
        if (!h.carriesApdu()) return;
        Conversation.Pending p = conversation.pending(fb.fromClient);
        int from = h.infoFrom();
        if (p.segments == null) {
            p.segments = new Assembly();
            if (h.infoTo() - from >= 3 && (f.bytes[from] & 0xFF) == 0xE6 && ((f.bytes[from + 1] & 0xFF) == 0xE6
                    || (f.bytes[from + 1] & 0xFF) == 0xE7)) {
                from += 3; // the LLC header, on the first segment only
            }
        }
        Assembly segments = p.segments;
        try {
            segments.appendFrame(f, from, h.infoTo());
        } catch (Undecodable tooLong) {
            p.segments = null;
            throw tooLong;
        }
        boolean segmented = h.moreSegments() || segments.parts() > 1;
        var l = h.link();
        fb.link = new DecodedFrame.Link(l.layer(), l.frame(), l.source(), l.destination(), l.sendSequence(), l.receiveSequence(),
                l.pollFinal(), segmented ? segments.parts() : null, l.lastSegment(), l.parameters());
        if (h.moreSegments()) {
            fb.pdu = "segment " + segments.parts();
            return;
        }
        p.segments = null;
        fb.pdu = null;
        apdus.decode(segments, fb);
    }

    @Override
    public String toString() {
        return "TraceDecoder[" + transport + (encryptionKey != null ? ", keys=***" : "") + "]";
    }
}
