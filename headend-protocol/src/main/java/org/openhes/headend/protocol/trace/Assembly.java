package org.openhes.headend.protocol.trace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Bytes put together from pieces (HDLC segments, data blocks) with where each piece came from, so that a
 * secret found in the whole can be masked in the recorded frames it came from. Bytes from deciphered
 * content come from no frame (they are in no recorded hex). Bounded by {@link #MAX_BYTES}.
 */
final class Assembly {
    static final int MAX_BYTES = 1 << 20;

    /** {@code length} bytes at {@code offset} of recorded frame {@code frame}. */
    private record Piece(int at, int length, RecordedFrame frame, int offset) {
    }

    private byte[] data = new byte[64];
    private int size;
    private final List<Piece> pieces = new ArrayList<>();
    private byte[] snapshot;
    private int parts;

    static Assembly ofFrame(RecordedFrame f, int from, int to) {
        Assembly a = new Assembly();
        a.appendFrame(f, from, to);
        return a;
    }

    void appendFrame(RecordedFrame f, int from, int to) {
        int start = size;
        copy(f.bytes, from, to);
        pieces.add(new Piece(start, to - from, f, from));
    }

    /**
     * Appends {@code b[from, to)}. When {@code b} is the bytes of {@code source}, the frames they came
     * from are remembered; otherwise (deciphered content) they come from no recorded frame.
     */
    void append(byte[] b, int from, int to, Assembly source) {
        int start = size;
        copy(b, from, to);
        if (source == null || b != source.snapshot) return;
        for (Piece p : source.pieces) {
            int lo = Math.max(from, p.at), hi = Math.min(to, p.at + p.length);
            if (lo < hi) pieces.add(new Piece(start + lo - from, hi - lo, p.frame, p.offset + lo - p.at));
        }
    }

    private void copy(byte[] b, int from, int to) {
        if (size + (to - from) > MAX_BYTES) {
            throw new Undecodable(from, "an APDU put together from parts grows past " + MAX_BYTES + " bytes");
        }
        if (size + (to - from) > data.length) data = Arrays.copyOf(data, Math.max(data.length * 2, size + (to - from)));
        System.arraycopy(b, from, data, size, to - from);
        size += to - from;
        snapshot = null;
        parts++;
    }

    int size() {
        return size;
    }

    /** How many pieces were appended (segments, blocks). */
    int parts() {
        return parts;
    }

    /** The bytes so far; the same array until more is appended (masks recognise it by identity). */
    byte[] bytes() {
        if (snapshot == null) snapshot = Arrays.copyOf(data, size);
        return snapshot;
    }

    /** Marks {@code [from, to)} of these bytes as masked in the frames they came from. */
    void mask(int from, int to) {
        for (Piece p : pieces) {
            int lo = Math.max(from, p.at), hi = Math.min(to, p.at + p.length);
            if (lo < hi) p.frame.masked.set(p.offset + lo - p.at, p.offset + hi - p.at);
        }
    }

    /** Whether any of {@code [from, to)} was masked by the recorder (its true value is lost). */
    boolean recorderMasked(int from, int to) {
        for (Piece p : pieces) {
            int lo = Math.max(from, p.at), hi = Math.min(to, p.at + p.length);
            if (lo < hi && p.frame.recorderMasked(p.offset + lo - p.at, p.offset + hi - p.at)) return true;
        }
        return false;
    }
}
