package org.openhes.headend.protocol.trace;

/**
 * A bounded cursor over part of a byte array, reading A-XDR and BER fields. Every read checks the bound
 * first and fails with {@link Undecodable}; counts are checked against the bytes left, so that a hostile
 * count cannot make a caller loop or allocate beyond the input.
 */
final class Reader {
    private final byte[] b;
    private final int end;
    private int pos;

    Reader(byte[] b, int from, int end) {
        if (from < 0 || end > b.length || from > end) throw new IllegalArgumentException("range " + from + ".." + end + " of " + b.length);
        this.b = b;
        this.pos = from;
        this.end = end;
    }

    static Reader of(byte[] b) {
        return new Reader(b, 0, b.length);
    }

    byte[] buffer() {
        return b;
    }

    int pos() {
        return pos;
    }

    int end() {
        return end;
    }

    int remaining() {
        return end - pos;
    }

    boolean more() {
        return pos < end;
    }

    int peek(String what) {
        need(1, what);
        return b[pos] & 0xFF;
    }

    int u8(String what) {
        need(1, what);
        return b[pos++] & 0xFF;
    }

    int i8(String what) {
        return (byte) u8(what);
    }

    int u16(String what) {
        need(2, what);
        int v = (b[pos] & 0xFF) << 8 | (b[pos + 1] & 0xFF);
        pos += 2;
        return v;
    }

    long u32(String what) {
        need(4, what);
        long v = (b[pos] & 0xFFL) << 24 | (b[pos + 1] & 0xFF) << 16 | (b[pos + 2] & 0xFF) << 8 | (b[pos + 3] & 0xFF);
        pos += 4;
        return v;
    }

    long u64(String what) {
        long hi = u32(what);
        return hi << 32 | u32(what);
    }

    /** An A-XDR length or element count, read as the Gurux codec does (0x81..0x84 announce 1..4 bytes). */
    long length(String what) {
        int at = pos;
        int first = u8(what);
        if (first <= 0x80) return first;
        int bytes = first - 0x80;
        if (bytes > 4) throw new Undecodable(at, what + " of " + bytes + " length bytes");
        long n = 0;
        for (int i = 0; i < bytes; i++) n = n << 8 | u8(what);
        return n;
    }

    /** An A-XDR count of elements that each take at least one byte: more than the bytes left is refused. */
    int count(String what) {
        int at = pos;
        long n = length(what);
        if (n > remaining()) throw new Undecodable(at, what + " of " + n + " in " + remaining() + " bytes");
        return (int) n;
    }

    /** A BER length (short form, or 0x81/0x82 long form). */
    int berLength(String what) {
        int at = pos;
        int first = u8(what);
        if (first < 0x80) return first;
        if (first == 0x81) return u8(what);
        if (first == 0x82) return u16(what);
        throw new Undecodable(at, "BER length form 0x" + Integer.toHexString(first) + " in " + what);
    }

    byte[] bytes(int n, String what) {
        need(n, what);
        byte[] out = java.util.Arrays.copyOfRange(b, pos, pos + n);
        pos += n;
        return out;
    }

    void skip(long n, String what) {
        need(n, what);
        pos += (int) n;
    }

    /** The next {@code n} bytes as a reader of their own; this one moves past them. */
    Reader slice(long n, String what) {
        need(n, what);
        Reader r = new Reader(b, pos, pos + (int) n);
        pos += (int) n;
        return r;
    }

    private void need(long n, String what) {
        if (n < 0 || n > end - pos) {
            throw new Undecodable(pos, pos >= end ? "truncated: " + what + " expected" : what + " of " + n + " bytes where " + (end - pos) + " remain");
        }
    }
}
