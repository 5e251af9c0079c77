package org.openhes.headend.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.openhes.headend.api.cli.HeadendCli;
import picocli.CommandLine;

/** `headend bench` as the launcher reaches it: found on the class path, its options checked, a scenario run. */
class BenchCommandTest {
    private record Run(int exit, String out, String err) {
    }

    private static Run headend(String... args) {
        // the figures go to System.out: replace it before the command line is made
        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            CommandLine cl = HeadendCli.commandLine();
            StringWriter err = new StringWriter();
            cl.setErr(new PrintWriter(err, true));
            int exit = cl.execute(args);
            return new Run(exit, printed.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(stdout);
        }
    }

    @Test
    void theBenchCommandIsFoundOnTheClassPathAndListsItsScenarios() {
        Run help = headend("bench", "--help");
        assertThat(help.exit()).as(help.err()).isZero();
        assertThat(help.out()).as(help.err()).isNotEmpty();
        for (String scenario : BenchCommand.SCENARIOS.keySet()) assertThat(help.out()).contains(scenario);
        assertThat(help.out()).contains("--latency", "default: 0ms");
    }

    @Test
    void aLatencyWithoutUnitIsAUsageErrorThatSaysWhatToWrite() {
        Run run = headend("bench", "--scenario", "latency", "--latency", "1000");
        assertThat(run.exit()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(run.err()).contains("--latency 1000 is not a duration: give the unit, e.g. 1000ms or 1000s");
    }

    @Test
    void anUnknownScenarioIsAUsageErrorNamingTheScenarios() {
        Run run = headend("bench", "--scenario", "fastest");
        assertThat(run.exit()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(run.err()).contains("unknown scenario fastest", "daily-read", "bulk-display");
    }

    @Test
    void aBulkDisplayOrderIsAcceptedLineByLineAndItsRepeatChangesNothing() throws Exception {
        Run run = headend("bench", "--scenario", "bulk-display", "--meters", "300");
        assertThat(run.exit()).as(run.err()).isZero();
        String last = run.out().strip().lines().reduce((a, b) -> b).orElseThrow();
        JsonNode figures = new ObjectMapper().readTree(last);
        assertThat(figures.get("scenario").asText()).isEqualTo("bulk-display");
        assertThat(figures.get("accepted").asLong()).isEqualTo(300);
        assertThat(figures.get("repeatedOnSecondSend").asLong()).isEqualTo(300);
        // 300 over HTTP, 300 directly, 300 of warm-up: the repeat stored nothing more
        assertThat(figures.get("commandsStored").asLong()).isEqualTo(900);
        assertThat(figures.get("lost").asLong()).isZero();
        assertThat(figures.get("seconds").asDouble()).isPositive();
    }
}
