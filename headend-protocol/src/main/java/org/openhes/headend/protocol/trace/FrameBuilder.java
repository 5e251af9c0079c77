package org.openhes.headend.protocol.trace;

import java.util.ArrayList;
import java.util.List;
import org.openhes.headend.protocol.transport.WireTrace;

/** What the decoders find in one frame, gathered until the {@link DecodedFrame} is built. */
final class FrameBuilder {
    final WireTrace.Entry entry;
    final RecordedFrame frame;
    final boolean fromClient;
    /** One budget of data elements for the whole frame. */
    final DataDecoder data = new DataDecoder(TraceDecoder.MAX_ELEMENTS);

    String pdu;
    DecodedFrame.Link link;
    DecodedFrame.Ciphering ciphering;
    DecodedFrame.Invoke invoke;
    final List<DecodedFrame.Descriptor> descriptors = new ArrayList<>();
    final List<DataValue> values = new ArrayList<>();
    final List<DecodedFrame.Result> results = new ArrayList<>();
    DecodedFrame.Block block;
    DecodedFrame.Association association;
    DecodedFrame.Refusal refusal;
    private final StringBuilder problems = new StringBuilder();

    FrameBuilder(WireTrace.Entry entry, RecordedFrame frame) {
        this.entry = entry;
        this.frame = frame;
        this.fromClient = !"RX".equals(entry.direction());
    }

    void problem(String p) {
        if (p == null) return;
        if (!problems.isEmpty()) problems.append("; ");
        problems.append(p);
    }

    /** The session step, for the few decisions that depend on it (an HLS answer without its request). */
    String step() {
        return entry.step() == null ? "" : entry.step();
    }

    DecodedFrame build() {
        return new DecodedFrame(entry.at(), entry.direction(), entry.step(), pdu != null ? pdu : entry.pdu(), link, ciphering,
                invoke, descriptors, values, results, block, association, refusal,
                problems.isEmpty() ? null : problems.toString(), frame.hex(TraceDecoder.MAX_HEX_BYTES));
    }
}
