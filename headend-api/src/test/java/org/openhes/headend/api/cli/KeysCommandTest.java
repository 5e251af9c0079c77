package org.openhes.headend.api.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.openhes.headend.scheduler.keys.MasterKey;
import org.openhes.headend.simulator.SimulatedFleet;
import org.openhes.headend.simulator.SimulatorConfig;

/** A master key rotation as an operator runs it: import under the old key, new key first, status, rewrap, status. */
class KeysCommandTest {
    static final String OLD = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    static final String NEW = "ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=";

    private record Run(int exit, String out) {
    }

    private static Run headend(String... args) {
        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            var cl = HeadendCli.commandLine();
            cl.setErr(new java.io.PrintWriter(new StringWriter(), true));
            return new Run(cl.execute(args), printed.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(stdout);
        }
    }

    @Test
    void theOperatorRotatesTheMasterKeyAndEveryRecordEndsUnderTheNewOne() throws Exception {
        Path dir = Files.createTempDirectory("keys-cli");
        Path keyFile = dir.resolve("master.key");
        Files.writeString(keyFile, OLD + "\n");
        Path config = dir.resolve("headend.properties");
        Files.writeString(config, "data.dir=" + dir + "\nmaster.key.file=" + keyFile + "\n");
        Path csv = dir.resolve("fleet.csv");
        try (SimulatedFleet fleet = SimulatedFleet.start(SimulatorConfig.builder().meters(30).port(0).build());
             var w = Files.newBufferedWriter(csv)) {
            fleet.exportCsv(w);
        }
        String oldId = MasterKey.fromBase64(OLD).id(), newId = MasterKey.fromBase64(NEW).id();
        assertThat(headend("meters", "import", csv.toString(), "--config", config.toString()).exit()).isZero();

        Files.writeString(keyFile, NEW + "\n" + OLD + "\n"); // the new key first, the old one still held
        Run status = headend("keys", "--config", config.toString(), "status");
        assertThat(status.exit()).as(status.out()).isEqualTo(1); // records left under an old key
        assertThat(status.out()).contains("master keys held (current first): " + newId + ", " + oldId)
                .contains(oldId + ": 30 records (to rewrap)").doesNotContain(OLD).doesNotContain(NEW);

        Run rewrap = headend("keys", "--config", config.toString(), "rewrap", "--batch", "7");
        assertThat(rewrap.exit()).as(rewrap.out()).isZero();
        assertThat(rewrap.out()).contains("7 records re-encrypted", "28 records re-encrypted", "rewrap done: 30 records")
                .contains(newId + ": 30 records (current)");

        Files.writeString(keyFile, NEW + "\n"); // the old key removed
        Run after = headend("keys", "--config", config.toString(), "status");
        assertThat(after.exit()).as(after.out()).isZero();
        assertThat(after.out()).contains(newId + ": 30 records (current)").doesNotContain(oldId);
    }
}
