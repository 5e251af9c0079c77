package org.openhes.headend.protocol.trace;

import java.util.BitSet;

/**
 * A frame's bytes as the trace recorded them in hex, with the bytes the recorder masked ({@code **}) and
 * those the decoder masks (secrets it found) marked, so that the hex shown never holds a secret.
 */
final class RecordedFrame {
    private static final char[] DIGITS = "0123456789ABCDEF".toCharArray();

    final byte[] bytes;
    /** Bytes to show as {@code **}: masked by the recorder, or secrets the decoder found. */
    final BitSet masked = new BitSet();
    private final BitSet recorderMasked;
    /** Why the recorded hex could not be read, or null. */
    final String problem;

    private RecordedFrame(byte[] bytes, BitSet recorderMasked, String problem) {
        this.bytes = bytes;
        this.recorderMasked = recorderMasked;
        this.masked.or(recorderMasked);
        this.problem = problem;
    }

    /** Reads hex as {@code WireTrace} writes it: byte pairs, spaces allowed, {@code **} for a masked byte. */
    static RecordedFrame parse(String hex) {
        if (hex == null) return new RecordedFrame(new byte[0], new BitSet(), "no bytes were recorded");
        byte[] out = new byte[hex.length() / 2];
        BitSet stars = new BitSet();
        int n = 0;
        for (int i = 0; i < hex.length(); i++) {
            char c = hex.charAt(i);
            if (Character.isWhitespace(c)) continue;
            if (i + 1 >= hex.length()) return new RecordedFrame(new byte[0], new BitSet(), "the recorded hex ends in half a byte");
            char d = hex.charAt(++i);
            if (c == '*' && d == '*') {
                stars.set(n);
                out[n++] = 0;
                continue;
            }
            int hi = Character.digit(c, 16), lo = Character.digit(d, 16);
            if (hi < 0 || lo < 0) return new RecordedFrame(new byte[0], new BitSet(), "the recorded hex has a non-hex character at " + (i - 1));
            out[n++] = (byte) (hi << 4 | lo);
        }
        return new RecordedFrame(java.util.Arrays.copyOf(out, n), stars, null);
    }

    boolean recorderMasked(int from, int to) {
        int next = recorderMasked.nextSetBit(from);
        return next >= 0 && next < to;
    }

    /** The bytes as spaced hex, masked bytes as {@code **}, at most {@code maxBytes} of them. */
    String hex(int maxBytes) {
        int n = Math.min(bytes.length, maxBytes);
        StringBuilder sb = new StringBuilder(n * 3 + 40);
        for (int i = 0; i < n; i++) {
            if (i > 0) sb.append(' ');
            if (masked.get(i)) sb.append("**");
            else sb.append(DIGITS[(bytes[i] >> 4) & 0xF]).append(DIGITS[bytes[i] & 0xF]);
        }
        if (n < bytes.length) sb.append(" …(").append(bytes.length).append(" bytes in all)");
        return sb.toString();
    }
}
