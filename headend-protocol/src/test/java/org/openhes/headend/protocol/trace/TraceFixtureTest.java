package org.openhes.headend.protocol.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openhes.headend.simulator.SimTransport;

/**
 * Byte-exact: traces recorded from real sessions with the simulated meter (fixtures in the test
 * resources, with the keys of that meter), decoded to the text reviewed once and kept beside them.
 * {@link #records_the_fixtures_again} writes both anew ({@code -Dtrace.fixtures.record=true}).
 */
class TraceFixtureTest {
    private static final String WRAPPER = "hls-wrapper-session", HDLC = "hls-hdlc-session";

    @Test
    void an_hls_session_over_the_wrapper_decodes_to_its_reviewed_text() throws Exception {
        RecordedFixture f = RecordedFixture.load(WRAPPER + ".trace");
        List<DecodedFrame> frames = f.decoder().decode(f.entries());
        assertThat(TraceText.format(frames)).isEqualTo(resource(WRAPPER + ".txt"));
        assertThat(frames).extracting(DecodedFrame::problem).filteredOn(p -> p != null)
                .containsExactly("the RLRE's length gives 36 bytes where 40 follow (read as 40); "
                        + "user-information's length gives 34 bytes where 35 follow (read as 35)");
    }

    @Test
    void an_hls_session_over_hdlc_decodes_to_its_reviewed_text() throws Exception {
        RecordedFixture f = RecordedFixture.load(HDLC + ".trace");
        List<DecodedFrame> frames = f.decoder().decode(f.entries());
        assertThat(TraceText.format(frames)).isEqualTo(resource(HDLC + ".txt"));
        assertThat(frames).extracting(DecodedFrame::pdu).contains("HDLC SNRM", "HDLC UA", "segment 1", "HDLC RR", "HDLC DISC");
    }

    @Test
    void the_fixtures_json_is_json_ready_and_holds_no_key() throws Exception {
        for (String name : List.of(WRAPPER, HDLC)) {
            RecordedFixture f = RecordedFixture.load(name + ".trace");
            String json = StrictJson.write(TraceJson.toMaps(f.decoder().decode(f.entries())));
            for (byte[] key : List.of(f.ek(), f.ak())) {
                String hex = java.util.HexFormat.of().formatHex(key);
                assertThat(json).doesNotContainIgnoringCase(hex.substring(0, 16))
                        .doesNotContainIgnoringCase(java.util.HexFormat.ofDelimiter(" ").formatHex(key, 0, 8));
            }
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = TraceFixtureTest.class.getResourceAsStream(name)) {
            if (in == null) throw new IOException("no resource " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    @EnabledIfSystemProperty(named = "trace.fixtures.record", matches = "true")
    void records_the_fixtures_again() throws Exception {
        Path dir = Path.of("src/test/resources/org/openhes/headend/protocol/trace");
        record(SimTransport.WRAPPER, LocalDate.of(2026, 10, 20), dir.resolve(WRAPPER));
        record(SimTransport.HDLC, LocalDate.of(2026, 11, 18), dir.resolve(HDLC));
    }

    /** AARQ/AARE, HLS, the four indexes, the daily profile from {@code from} to the 20th, SET, ACTION, release. */
    private static void record(SimTransport transport, LocalDate from, Path base) throws Exception {
        try (SimulatedSession s = new SimulatedSession(transport)) {
            s.run(s.session::open);
            s.run(() -> s.session.session.reads().indexes());
            s.run(() -> s.session.session.reads().daily(from, LocalDate.of(2026, 11, 20), SimulatedSession.BRUSSELS));
            s.run(() -> s.session.session.commands().setPowerLimit(5000));
            s.run(() -> s.session.session.commands().disconnect());
            s.run(s.session::release);
            var f = new RecordedFixture(s.target.endpoint().transport(), s.identity.encryptionKey(), s.identity.authenticationKey(),
                    SimulatedSession.CLIENT_TITLE, s.trace());
            Files.writeString(Path.of(base + ".trace"), f.format("A real HLS5-GMAC session (" + transport.name().toLowerCase(java.util.Locale.ROOT)
                    + ") with simulated meter 0 of seed 1, as WireTrace recorded it.\n"
                    + "The keys are the simulated meter's, for the decoder's tests only."));
            Files.writeString(Path.of(base + ".txt"), TraceText.format(f.decoder().decode(f.entries())));
        }
    }
}
