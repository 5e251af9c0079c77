package org.openhes.headend.protocol.trace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The secrets of a trace: where they are (masked in the frames they came from, through the
 * {@link Assembly} being decoded) and what they are (masked wherever else the same bytes appear in a
 * recorded frame, e.g. inside data blocks). The session's keys are secrets from the start.
 */
final class Masks {
    /** Shorter values would mask chance matches all over a trace. */
    static final int MIN_VALUE_BYTES = 4;
    /** Past this many, secrets are still masked where they were found, not searched for elsewhere. */
    static final int MAX_VALUES = 32;

    private final List<byte[]> values = new ArrayList<>();
    private Assembly current;

    Masks(byte[]... keys) {
        for (byte[] k : keys) if (k != null && k.length >= MIN_VALUE_BYTES) values.add(k.clone());
    }

    /** Runs {@code work} decoding the bytes of {@code a}: secrets found in them are masked in its frames. */
    void within(Assembly a, Runnable work) {
        Assembly outer = current;
        current = a;
        try {
            work.run();
        } finally {
            current = outer;
        }
    }

    /** The assembly whose bytes are being decoded, or null. */
    Assembly current() {
        return current;
    }

    /** {@code buf[from, to)} is a secret. */
    void secret(byte[] buf, int from, int to) {
        if (to - from >= MIN_VALUE_BYTES && values.size() < MAX_VALUES) {
            byte[] v = Arrays.copyOfRange(buf, from, to);
            if (values.stream().noneMatch(known -> Arrays.equals(known, v))) values.add(v);
        }
        if (current != null && buf == current.bytes()) current.mask(from, to);
    }

    /** Whether {@code buf[from, to)} holds bytes the recorder masked. */
    boolean recorderMasked(byte[] buf, int from, int to) {
        return current != null && buf == current.bytes() && current.recorderMasked(from, to);
    }

    /** Masks every occurrence of a known secret in the frames (done once the whole trace is decoded). */
    void maskValuesIn(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            for (byte[] v : values) {
                for (int i = 0; i + v.length <= f.bytes.length; i++) {
                    if (f.bytes[i] == v[0] && Arrays.equals(f.bytes, i, i + v.length, v, 0, v.length)) f.masked.set(i, i + v.length);
                }
            }
        }
    }
}
