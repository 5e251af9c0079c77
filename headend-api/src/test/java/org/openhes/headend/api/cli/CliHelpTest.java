package org.openhes.headend.api.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openhes.headend.api.config.HeadendConfig;
import org.openhes.headend.api.config.Settings;
import org.openhes.headend.protocol.HintContext;
import org.openhes.headend.protocol.MeterFailureKind;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every command and subcommand answers --help with exit 0 and lists each of its options with its
 * default; --version answers; the launcher's JVM exits 0 on both; the command-line hints only name
 * flags that exist.
 */
class CliHelpTest {
    private record Run(int exit, String out, String err) {
    }

    private static Run headend(List<String> args) {
        CommandLine cl = HeadendCli.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    /** Every command below {@code cl}, as the words that reach it. */
    private static void walk(CommandLine cl, List<String> path, List<List<String>> found) {
        found.add(path);
        for (var sub : cl.getSubcommands().entrySet()) {
            if (!sub.getKey().equals(sub.getValue().getCommandName())) continue; // an alias
            List<String> next = new ArrayList<>(path);
            next.add(sub.getKey());
            walk(sub.getValue(), next, found);
        }
    }

    private static CommandLine reach(List<String> path) {
        CommandLine cl = HeadendCli.commandLine();
        for (String word : path) cl = cl.getSubcommands().get(word);
        return cl;
    }

    @Test
    void everyCommandAnswersHelpWithItsOptionsAndTheirDefaults() {
        List<List<String>> commands = new ArrayList<>();
        walk(HeadendCli.commandLine(), List.of(), commands);
        assertThat(commands).as("serve, demo, read, command, ... and meters import").hasSizeGreaterThan(10)
                .contains(List.of("serve"), List.of("demo"), List.of("meters", "import"));
        for (List<String> path : commands) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            Run help = headend(args);
            String name = String.join(" ", path);
            assertThat(help.exit()).as("%s --help: %s", name, help.err()).isZero();
            assertThat(help.out()).as(name).startsWith("Usage: headend" + (path.isEmpty() ? "" : " " + name));
            String flat = help.out().replaceAll("\\s+", " ");
            for (OptionSpec option : reach(path).getCommandSpec().options()) {
                if (option.hidden()) continue;
                assertThat(help.out()).as("%s --help lists %s", name, option.longestName()).contains(option.longestName());
                String dflt = option.defaultValue();
                if (dflt == null) continue;
                assertThat(flat).as("%s --help shows the default of %s", name, option.longestName())
                        .contains("default: " + (dflt.isEmpty() ? "none" : dflt));
            }
            assertThat(help.out()).as(name).contains("--help").contains("--version");
        }
    }

    @Test
    void theSettingsCommandsShowTheSettingsAndTheDefaultsTheNodeUses() {
        HeadendConfig defaults = HeadendConfig.from(Settings.of(Map.of()));
        for (String line : SettingsHelp.FOOTER) assertThat(line.length()).as("fits a terminal unwrapped: %s", line).isLessThan(80);
        for (List<String> path : List.of(List.of("serve"), List.of("migrate"), List.of("meters", "import"))) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            String flat = headend(args).out().replaceAll("\\s+", " ");
            assertThat(flat).contains("HEADEND_DB_URL").contains("(default: " + defaults.dataDir() + ")")
                    .contains("db.connect.timeout").contains("(default: " + seconds(defaults.dbConnectTimeout()) + ")")
                    .contains("db.health.interval").contains("(default: " + seconds(defaults.dbHealthInterval()) + ")")
                    .contains("(default: " + defaults.httpHost() + ", " + defaults.httpPort() + ")");
        }
    }

    private static String seconds(Duration d) {
        return d.toSeconds() + "s";
    }

    @Test
    void versionAnswersOnEveryLevel() {
        Run root = headend(List.of("--version"));
        assertThat(root.exit()).isZero();
        assertThat(root.out()).startsWith("headend ");
        Run serve = headend(List.of("serve", "--version"));
        assertThat(serve.exit()).isZero();
        assertThat(serve.out()).isEqualTo(root.out());
    }

    @Test
    void theLaunchedJvmExitsZeroOnHelpAndVersion() throws Exception {
        for (List<String> args : List.of(List.of("serve", "--help"), List.of("--version"), List.of("demo", "--help"))) {
            List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                    System.getProperty("java.class.path"), HeadendCli.class.getName()));
            command.addAll(args);
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as("%s: %s", args, out).isZero();
            assertThat(out).as("%s", args).doesNotContain("Unknown option");
            if (args.contains("--help")) assertThat(out).startsWith("Usage: headend " + args.get(0));
        }
    }

    @Test
    void commandLineHintsNameOnlyFlagsThatExist() {
        List<String> flags = new ArrayList<>();
        List<List<String>> commands = new ArrayList<>();
        walk(HeadendCli.commandLine(), List.of(), commands);
        for (List<String> path : commands) {
            for (OptionSpec option : reach(path).getCommandSpec().options()) flags.addAll(List.of(option.names()));
        }
        Pattern flag = Pattern.compile("--[a-z][a-z-]*");
        for (MeterFailureKind kind : MeterFailureKind.values()) {
            Matcher m = flag.matcher(kind.hint(HintContext.COMMAND_LINE));
            while (m.find()) assertThat(flags).as("%s names %s", kind, m.group()).contains(m.group());
        }
    }
}
