package org.openhes.headend.interop.front;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One DLMS wrapper frame (IEC 62056-47): version 0x0001, source wPort, destination wPort, length,
 * then the APDU. {@link #bytes()} is the frame as it came off the wire.
 */
public record WrapperFrame(int source, int destination, byte[] apdu) {
    static final int HEADER_LENGTH = 8;
    static final int VERSION = 1;

    /**
     * Reads the next frame.
     *
     * @return null at a clean end of stream (between frames)
     * @throws IOException on broken framing, naming what was wrong
     */
    public static WrapperFrame read(InputStream in, int maxApduLength) throws IOException {
        DataInputStream data = new DataInputStream(in);
        byte[] header = new byte[HEADER_LENGTH];
        int first = data.read();
        if (first < 0) {
            return null;
        }
        header[0] = (byte) first;
        data.readFully(header, 1, HEADER_LENGTH - 1);
        ByteBuffer h = ByteBuffer.wrap(header);
        int version = h.getShort() & 0xFFFF;
        int source = h.getShort() & 0xFFFF;
        int destination = h.getShort() & 0xFFFF;
        int length = h.getShort() & 0xFFFF;
        if (version != VERSION) {
            throw new IOException("wrapper version must be 1 (was " + version + ")");
        }
        if (length > maxApduLength) {
            throw new IOException("wrapper length must be <= " + maxApduLength + " (was " + length + ")");
        }
        byte[] apdu = new byte[length];
        try {
            data.readFully(apdu);
        } catch (EOFException e) {
            throw new IOException("stream ended inside a wrapper frame of " + length + " bytes", e);
        }
        return new WrapperFrame(source, destination, apdu);
    }

    public static byte[] encode(int source, int destination, byte[] apdu) {
        return ByteBuffer.allocate(HEADER_LENGTH + apdu.length).putShort((short) VERSION).putShort((short) source)
                .putShort((short) destination).putShort((short) apdu.length).put(apdu).array();
    }

    public byte[] bytes() {
        return encode(source, destination, apdu);
    }

    @Override
    public byte[] apdu() {
        return apdu.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WrapperFrame f && f.source == source && f.destination == destination && Arrays.equals(f.apdu, apdu);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * source + destination) + Arrays.hashCode(apdu);
    }

    @Override
    public String toString() {
        return "WrapperFrame[" + source + "->" + destination + ", " + apdu.length + " bytes]";
    }
}
