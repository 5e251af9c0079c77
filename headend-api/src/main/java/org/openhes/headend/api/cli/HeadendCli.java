package org.openhes.headend.api.cli;

import org.openhes.headend.protocol.HintContext;
import org.openhes.headend.protocol.MeterException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code headend} command: every way of running the head-end starts here. {@code --help} and
 * {@code --version} are inherited by every subcommand (also those of extensions).
 */
@Command(name = "headend", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, version = "headend 0.1.0",
        description = "Open head-end system for DLMS/COSEM electricity meters.",
        subcommands = {ServeCommand.class, DemoCommand.class, ReadCommand.class, MeterCommandCommand.class, InspectCommand.class,
                ObjectCommands.Get.class, ObjectCommands.Set.class, ObjectCommands.Action.class, SimulateCommand.class, MigrateCommand.class, MetersCommand.class, KeysCommand.class})
public final class HeadendCli {
    /** Exit code of a meter failure (the message names the failure and what to check). */
    public static final int METER_FAILURE = 3;

    public static void main(String[] args) {
        org.openhes.headend.protocol.session.CryptoProviders.preferSunJceForAes();
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new HeadendCli());
        for (CliExtension extension : java.util.ServiceLoader.load(CliExtension.class)) cl.addSubcommand(extension);
        SettingsHelp.addTo(cl.getSubcommands().get("serve"));
        SettingsHelp.addTo(cl.getSubcommands().get("migrate"));
        SettingsHelp.addTo(cl.getSubcommands().get("meters").getSubcommands().get("import"));
        for (String keys : java.util.List.of("status", "rewrap")) SettingsHelp.addTo(cl.getSubcommands().get("keys").getSubcommands().get(keys));
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            MeterException m = MeterException.find(e);
            if (m != null) {
                cmd.getErr().println("headend: " + m.getMessage() + ": " + m.kind().hint(HintContext.COMMAND_LINE));
                return METER_FAILURE;
            }
            if (e instanceof OneMeter.BadOption || e instanceof IllegalArgumentException) {
                cmd.getErr().println("headend: " + e.getMessage());
                return CommandLine.ExitCode.USAGE;
            }
            cmd.getErr().println("headend: " + e);
            return CommandLine.ExitCode.SOFTWARE;
        });
        return cl;
    }
}
