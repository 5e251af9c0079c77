package org.openhes.headend.protocol.trace;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.openhes.headend.protocol.Transport;
import org.openhes.headend.protocol.transport.WireTrace;

/**
 * A trace fixture: the entries of a recorded session, one per line ({@code time|direction|step|pdu|hex}),
 * after header lines giving the transport and the keys it was ciphered with ({@code # key value}).
 */
record RecordedFixture(Transport transport, byte[] ek, byte[] ak, byte[] clientTitle, List<WireTrace.Entry> entries) {

    TraceDecoder decoder() {
        return new TraceDecoder(transport, ek, ak, clientTitle);
    }

    static RecordedFixture load(String name) throws IOException {
        try (InputStream in = RecordedFixture.class.getResourceAsStream(name)) {
            if (in == null) throw new IOException("no fixture " + name);
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    static RecordedFixture parse(String text) {
        Transport transport = null;
        byte[] ek = null, ak = null, title = null;
        List<WireTrace.Entry> entries = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# transport ")) transport = Transport.parse(line.substring(12));
            else if (line.startsWith("# ek ")) ek = HexFormat.of().parseHex(line.substring(5).trim());
            else if (line.startsWith("# ak ")) ak = HexFormat.of().parseHex(line.substring(5).trim());
            else if (line.startsWith("# client-title ")) title = HexFormat.of().parseHex(line.substring(15).trim());
            else if (!line.isBlank() && !line.startsWith("#")) {
                String[] f = line.split("\\|", 5);
                entries.add(new WireTrace.Entry(Instant.parse(f[0]), f[1], f[2], f[3], f[4]));
            }
        }
        return new RecordedFixture(transport, ek, ak, title, entries);
    }

    String format(String comment) {
        StringBuilder sb = new StringBuilder();
        for (String c : comment.split("\n")) sb.append("# ").append(c).append('\n');
        sb.append("# transport ").append(transport.name().toLowerCase(java.util.Locale.ROOT)).append('\n');
        sb.append("# ek ").append(HexFormat.of().formatHex(ek)).append('\n');
        sb.append("# ak ").append(HexFormat.of().formatHex(ak)).append('\n');
        sb.append("# client-title ").append(HexFormat.of().formatHex(clientTitle)).append('\n');
        for (WireTrace.Entry e : entries) {
            sb.append(e.at()).append('|').append(e.direction()).append('|').append(e.step()).append('|').append(e.pdu())
                    .append('|').append(e.hex()).append('\n');
        }
        return sb.toString();
    }
}
