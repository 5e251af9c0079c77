package org.openhes.headend.simulator;

import java.util.Arrays;

/**
 * Finds and replaces the APDU inside one whole frame, wrapper or HDLC, keeping the header (addresses,
 * the HDLC control byte with its sequence numbers) and fixing lengths and checksums. Variants use it to
 * change what Gurux answered without teaching Gurux new tricks.
 */
final class WireFrames {
    private static final byte FLAG = 0x7E;
    /** LLC header of an HDLC information field: E6 E6 00 from the client, E6 E7 00 from the meter. */
    private static final int LLC = 3;

    private WireFrames() {
    }

    /** The APDU of a whole frame, or null when it has none (HDLC control frames, continuation segments). */
    static byte[] apdu(byte[] frame, SimTransport transport) {
        if (transport == SimTransport.WRAPPER) return frame.length > 8 ? Arrays.copyOfRange(frame, 8, frame.length) : null;
        Hdlc h = Hdlc.parse(frame);
        if (h == null || h.info().length <= LLC || (h.info()[0] & 0xFF) != 0xE6) return null;
        return Arrays.copyOfRange(h.info(), LLC, h.info().length);
    }

    /** The same frame with another APDU: wrapper length, or HDLC information field, lengths and checksums. */
    static byte[] withApdu(byte[] frame, SimTransport transport, byte[] apdu) {
        if (transport == SimTransport.WRAPPER) {
            byte[] out = Arrays.copyOf(frame, 8 + apdu.length);
            out[6] = (byte) (apdu.length >> 8);
            out[7] = (byte) apdu.length;
            System.arraycopy(apdu, 0, out, 8, apdu.length);
            return out;
        }
        Hdlc h = Hdlc.parse(frame);
        if (h == null) throw new IllegalArgumentException("not an HDLC frame");
        byte[] info = new byte[LLC + apdu.length];
        System.arraycopy(h.info(), 0, info, 0, LLC);
        System.arraycopy(apdu, 0, info, LLC, apdu.length);
        return h.withInfo(info);
    }

    /** True when the frame is an HDLC segment with more to follow (the S bit of the format field). */
    static boolean segmented(byte[] frame, SimTransport transport) {
        return transport == SimTransport.HDLC && frame.length > 2 && (frame[1] & 0x08) != 0;
    }

    /**
     * One HDLC frame cut into its parts.
     *
     * @param header  format field, destination and source addresses, control byte
     * @param info    the information field (empty for most control frames)
     */
    record Hdlc(byte[] header, byte[] info) {
        /** Parses {@code 7E format dst src control HCS [info FCS] 7E}, or returns null when it is not one. */
        static Hdlc parse(byte[] frame) {
            if (frame.length < 9 || frame[0] != FLAG || frame[frame.length - 1] != FLAG) return null;
            int length = ((frame[1] & 0x07) << 8) | (frame[2] & 0xFF);
            if (length != frame.length - 2) return null;
            int pos = 3;
            for (int address = 0; address < 2; address++) {
                while (pos < frame.length - 1 && (frame[pos] & 1) == 0) pos++;
                pos++; // the byte with the low bit set ends the address
            }
            int control = pos;
            int headerEnd = control + 1; // the header checksum follows
            if (headerEnd + 2 > frame.length - 1) return null;
            byte[] header = Arrays.copyOfRange(frame, 1, headerEnd);
            int infoStart = headerEnd + 2;
            int infoEnd = frame.length - 3; // before the frame checksum
            byte[] info = infoEnd > infoStart ? Arrays.copyOfRange(frame, infoStart, infoEnd) : new byte[0];
            return new Hdlc(header, info);
        }

        int control() {
            return header[header.length - 1] & 0xFF;
        }

        /** The frame rebuilt with {@code newInfo}: new length in the format field, new HCS and FCS. */
        byte[] withInfo(byte[] newInfo) {
            int length = header.length + 2 + (newInfo.length == 0 ? 0 : newInfo.length + 2);
            byte[] out = new byte[length + 2];
            out[0] = FLAG;
            System.arraycopy(header, 0, out, 1, header.length);
            out[1] = (byte) ((header[0] & 0xF8) | ((length >> 8) & 0x07));
            out[2] = (byte) length;
            int pos = 1 + header.length;
            pos = putFcs(out, pos);
            if (newInfo.length > 0) {
                System.arraycopy(newInfo, 0, out, pos, newInfo.length);
                pos = putFcs(out, pos + newInfo.length);
            }
            out[pos] = FLAG;
            return out;
        }

        /** Writes the checksum of {@code out[1..end)} at {@code end}, low byte first, and returns end + 2. */
        private static int putFcs(byte[] out, int end) {
            int fcs = fcs16(out, 1, end);
            out[end] = (byte) fcs;
            out[end + 1] = (byte) (fcs >> 8);
            return end + 2;
        }
    }

    /** CRC-16/X.25, the HDLC frame check sequence (ISO/IEC 13239). */
    static int fcs16(byte[] data, int from, int to) {
        int crc = 0xFFFF;
        for (int i = from; i < to; i++) {
            crc ^= data[i] & 0xFF;
            for (int bit = 0; bit < 8; bit++) crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x8408 : crc >>> 1;
        }
        return ~crc & 0xFFFF;
    }
}
