package org.openhes.headend.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openhes.headend.interop.HeadendAgainstJdlms.NOW;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openhes.headend.api.cli.HeadendCli;
import org.openhes.headend.interop.meter.Disconnector;
import org.openhes.headend.interop.meter.Indexes;
import org.openhes.headend.interop.meter.MeterTime;
import org.openhes.headend.protocol.model.MeterProfiles;
import picocli.CommandLine;

/**
 * The field engineer's command line against the independent jDLMS meter, as a user types it: every
 * command's output, exit code and, on failure, the decoded trace and the hint. (The meter's clock is
 * fixed; the CLI's own clock is the real one, which matters only for the drift it could report.)
 */
class CliInteropTest {
    static final ObjectMapper JSON = new ObjectMapper();

    record Run(int exit, String out, String err) {
        JsonNode json() throws Exception {
            return JSON.readTree(out);
        }
    }

    static Run headend(HeadendAgainstJdlms h, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--meter", "127.0.0.1:" + h.meter.port(), "--server-sap", "1"));
        return run(all.toArray(String[]::new));
    }

    static String[] keys(HeadendAgainstJdlms h) {
        HexFormat hex = HexFormat.of();
        return new String[] {"--ek", hex.formatHex(h.meter.settings().encryptionKey()), "--ak", hex.formatHex(h.meter.settings().authenticationKey())};
    }

    static String[] with(String[] a, String... more) {
        List<String> l = new ArrayList<>(List.of(more));
        l.addAll(List.of(a));
        return l.toArray(String[]::new);
    }

    static synchronized Run run(String... args) {
        PrintStream out = System.out, err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        StringWriter cliErr = new StringWriter();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            CommandLine cl = HeadendCli.commandLine();
            cl.setErr(new PrintWriter(cliErr, true));
            int code = cl.execute(args);
            return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8) + cliErr);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void read_prints_the_four_indexes_and_the_daily_rows_as_json() throws Exception {
        try (var h = new HeadendAgainstJdlms()) {
            String day = NOW.atZone(MeterTime.ZONE).toLocalDate().minusDays(1).toString();
            Run r = headend(h, with(keys(h), "read", "--format", "json", "--daily-from", day));
            assertThat(r.exit()).as(r.err()).isZero();
            Indexes now = h.meter.indexesAt(NOW);
            JsonNode regs = r.json().get("registers");
            assertThat(regs.get(0).get("obis").asText()).isEqualTo("1-0:1.8.1.255");
            assertThat(regs.get(0).get("value").decimalValue()).isEqualByComparingTo(String.valueOf(now.importDayWh()));
            assertThat(regs.get(3).get("value").decimalValue()).isEqualByComparingTo(String.valueOf(now.exportNightWh()));
            JsonNode row = r.json().get("daily").get(0);
            java.time.Instant midnight = java.time.LocalDate.parse(day).atStartOfDay(MeterTime.ZONE).toInstant();
            assertThat(row.get("capturedAt").asText()).isEqualTo(midnight.toString());
            assertThat(row.get("registers").get(1).get("value").decimalValue())
                    .isEqualByComparingTo(String.valueOf(h.meter.indexesAt(midnight).importNightWh()));
        }
    }

    @Test
    void commands_act_on_the_meter_and_print_the_state_read_back() throws Exception {
        try (var h = new HeadendAgainstJdlms()) {
            Run off = headend(h, with(keys(h), "command", "disconnect", "--format", "json"));
            assertThat(off.exit()).as(off.err()).isZero();
            assertThat(off.json().at("/state/controlState").asText()).isEqualTo("DISCONNECTED");
            assertThat(h.meter.state().disconnector().controlState()).isEqualTo(Disconnector.DISCONNECTED);
            Run on = headend(h, with(keys(h), "command", "reconnect"));
            assertThat(on.out()).startsWith("reconnect: SUCCEEDED");
            Run limit = headend(h, with(keys(h), "command", "limit", "--watts", "2300"));
            assertThat(limit.out()).contains("limit: SUCCEEDED {thresholdWatts=2300}");
            assertThat(h.meter.state().thresholdNormalW()).isEqualTo(2300);
            assertThat(headend(h, with(keys(h), "command", "unlimit")).exit()).isZero();
            assertThat(h.meter.state().thresholdNormalW()).isZero();
            Run balance = headend(h, with(keys(h), "command", "display-balance", "--amount", "12.34"));
            assertThat(balance.exit()).as(balance.err()).isZero();
            assertThat(new String(h.meter.state().message(), StandardCharsets.US_ASCII)).isEqualTo("SOLDE 12.34 EUR");
        }
    }

    @Test
    void generic_get_set_and_action() throws Exception {
        try (var h = new HeadendAgainstJdlms()) {
            Run get = headend(h, with(keys(h), "get", "--class", "3", "--obis", "1-0:1.8.1.255", "--attribute", "2", "--format", "json"));
            assertThat(get.exit()).as(get.err()).isZero();
            assertThat(get.json().get("value").asLong()).isEqualTo(h.meter.indexesAt(NOW).importDayWh());
            Run set = headend(h, with(keys(h), "set", "--class", "1", "--obis", "0-0:96.13.1.255", "--attribute", "2",
                    "--type", "visible-string", "--value", "BONJOUR"));
            assertThat(set.exit()).as(set.err()).isZero();
            assertThat(new String(h.meter.state().message(), StandardCharsets.US_ASCII)).isEqualTo("BONJOUR");
            Run action = headend(h, with(keys(h), "action", "--class", "70", "--obis", "0-0:96.3.10.255", "--method", "1",
                    "--type", "int8", "--value", "0"));
            assertThat(action.exit()).as(action.err()).isZero();
            assertThat(h.meter.state().disconnector().outputState()).isFalse();
            Run badType = headend(h, with(keys(h), "set", "--class", "1", "--obis", "0-0:96.13.1.255", "--attribute", "2",
                    "--type", "uint8", "--value", "300"));
            assertThat(badType.exit()).isEqualTo(2);
            assertThat(badType.err()).contains("300 is not a uint8");
        }
    }

    @Test
    void inspect_finds_the_profile_fits_and_writes_a_skeleton_that_parses(@TempDir Path dir) throws Exception {
        try (var h = new HeadendAgainstJdlms()) {
            Path file = dir.resolve("jdlms-meter.profile");
            Run r = headend(h, with(keys(h), "inspect", "--format", "json", "--write-profile", file.toString()));
            assertThat(r.exit()).as(r.err() + r.out()).isZero();
            assertThat(r.json().get("problems").asInt()).isZero();
            assertThat(r.json().at("/negotiated/conformance").toString()).contains("multiple-references").contains("selective-access");
            assertThat(r.json().at("/negotiated/meterSystemTitle").asText()).isEqualTo(HexFormat.of().withUpperCase().formatHex(h.meter.systemTitle()));
            assertThat(r.json().get("clock").asText()).isEqualTo(NOW.toString());
            assertThat(MeterProfiles.parse(file.toString(), Files.readString(file)).name()).isEqualTo("jdlms-meter");
        }
    }

    @Test
    void a_failure_prints_the_decoded_trace_the_kind_and_what_to_check() throws Exception {
        try (var h = new HeadendAgainstJdlms()) {
            String wrong = "00".repeat(16);
            Run r = headend(h, "read", "--trace", "--ek", wrong, "--ak", HexFormat.of().formatHex(h.meter.settings().authenticationKey()));
            assertThat(r.exit()).isEqualTo(3);
            assertThat(r.err()).contains("authentication suspected")
                    .as("worded for the command line: the flags to check")
                    .contains("check the keys (--ek/--ak), the client system title (--system-title) and the invocation counter (--invocation-counter)");
            // the trace: the public client's counter read, then the management AARQ the meter hung up on
            assertThat(r.err()).contains("TX [associate AARQ] AARQ").contains("wrapper 16→1").contains("mechanism hls-gmac")
                    .contains("authentication-value ***(");
            assertThat(r.err().toLowerCase()).doesNotContain(HexFormat.of().formatHex(h.meter.settings().authenticationKey()));
        }
    }
}
