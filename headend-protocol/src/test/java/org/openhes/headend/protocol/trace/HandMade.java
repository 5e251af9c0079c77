package org.openhes.headend.protocol.trace;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.openhes.headend.protocol.Transport;
import org.openhes.headend.protocol.apdu.TestCiphering;
import org.openhes.headend.protocol.transport.WireTrace;

/** Hand-made frames and the keys they are ciphered with, for the decoder's tests. */
final class HandMade {
    static final HexFormat HEX = HexFormat.of().withUpperCase();
    static final byte[] EK = HEX.parseHex("000102030405060708090A0B0C0D0E0F");
    static final byte[] AK = HEX.parseHex("D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF");
    static final byte[] CLIENT = HEX.parseHex("4F48450000000001");
    static final byte[] METER = HEX.parseHex("4F48530100000001");
    static final Instant AT = Instant.parse("2026-11-20T10:15:30.250Z");

    /**
     * An AARE accepting LN with ciphering: A1 context, A2 result 0, A3 diagnostic null, A4 responding-AP-title
     * (the meter's system title), BE user-information with a plain initiate-response (DLMS 6, max PDU 1024).
     */
    static final String AARE = "6135" + "A109060760857405080103" + "A203020100" + "A305A103020100" + "A40A0408" + HEX.formatHex(METER)
            + "BE10040E" + "0800065F1F0400001E1D04000007";

    private HandMade() {
    }

    static TraceDecoder decoder() {
        return new TraceDecoder(Transport.WRAPPER, EK, AK, CLIENT);
    }

    /** An APDU in a wrapper header (version 1, wPorts 1 → 1), as spaced hex the way the recorder writes it. */
    static String wrapped(String apduHex) {
        byte[] apdu = HEX.parseHex(apduHex);
        return spaced(String.format("000100010001%04X", apdu.length) + HEX.formatHex(apdu));
    }

    static String spaced(String hex) {
        return HexFormat.ofDelimiter(" ").withUpperCase().formatHex(HEX.parseHex(hex));
    }

    static WireTrace.Entry tx(String step, String hex) {
        return new WireTrace.Entry(AT, "TX", step, "?", hex);
    }

    static WireTrace.Entry rx(String step, String hex) {
        return new WireTrace.Entry(AT, "RX", step, "?", hex);
    }

    /** {@code tag}, A-XDR length, then the content ciphered (authenticated and encrypted, suite 0) by {@code title}. */
    static String glo(String tag, byte[] title, int counter, String plainHex) throws Exception {
        byte[] content = TestCiphering.cipheredContent(title, EK, AK, counter, HEX.parseHex(plainHex));
        return tag + length(content.length) + HEX.formatHex(content);
    }

    static String length(int n) {
        return n < 0x80 ? String.format("%02X", n) : n < 0x100 ? String.format("81%02X", n) : String.format("82%04X", n);
    }

    static List<DecodedFrame> decode(WireTrace.Entry... entries) {
        return decoder().decode(new ArrayList<>(List.of(entries)));
    }

    /** The HDLC frame check sequence (CRC-16/X.25), written here apart from the decoder's. */
    static int fcs(byte[] b, int from, int to) {
        int crc = 0xFFFF;
        for (int i = from; i < to; i++) {
            int x = (crc ^ b[i]) & 0xFF;
            for (int k = 0; k < 8; k++) x = (x & 1) == 1 ? (x >> 1) ^ 0x8408 : x >> 1;
            crc = (crc >> 8) ^ x;
        }
        return crc ^ 0xFFFF;
    }

    /**
     * An HDLC frame: flag, format (with the segmentation bit), destination and source addresses, control,
     * and when there is information its HCS, the information and the FCS; checks computed.
     */
    static String hdlc(String destination, String source, int control, String information, boolean segmented) {
        byte[] addr = HEX.parseHex(destination + source);
        byte[] info = HEX.parseHex(information);
        int length = 2 + addr.length + 1 + (info.length > 0 ? 2 + info.length : 0) + 2;
        byte[] f = new byte[length + 2];
        int p = 0;
        f[p++] = 0x7E;
        f[p++] = (byte) (0xA0 | (segmented ? 0x08 : 0) | (length >> 8));
        f[p++] = (byte) length;
        System.arraycopy(addr, 0, f, p, addr.length);
        p += addr.length;
        f[p++] = (byte) control;
        if (info.length > 0) {
            int hcs = fcs(f, 1, p);
            f[p++] = (byte) hcs;
            f[p++] = (byte) (hcs >> 8);
            System.arraycopy(info, 0, f, p, info.length);
            p += info.length;
        }
        int fcs = fcs(f, 1, p);
        f[p++] = (byte) fcs;
        f[p++] = (byte) (fcs >> 8);
        f[p] = 0x7E;
        return HexFormat.ofDelimiter(" ").withUpperCase().formatHex(f);
    }
}
